#include "text/loss.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "text/model.h"

namespace rungs::text {
namespace {

// A damaged .bin may hold NaN weights. Predicting with them once indexed the
// sigmoid table with a NaN cast to an integer (undefined behaviour, a read far
// outside the table); found by fuzz/fasttext_bin.cc.
TEST(LossLayer, NanWeightsGiveNanScoresForEveryLoss) {
  std::vector<Entry> entries = {{"a", 3, EntryType::kWord},
                                {"__label__x", 2, EntryType::kLabel},
                                {"__label__y", 1, EntryType::kLabel}};
  DictArgs dict_args;
  dict_args.bucket = 0;
  auto dict = std::make_shared<const Dictionary>(*Dictionary::FromSorted(entries, 5, dict_args));
  for (Loss loss : {Loss::kSoftmax, Loss::kNs, Loss::kHs, Loss::kOva}) {
    TrainArgs args;
    args.dim = 2;
    args.loss = loss;
    LazyMatrix input(1, 2, nullptr);
    Matrix output(2, 2);
    input.MutableRow(0)[0] = 1;
    output.Row(0)[0] = output.Row(1)[1] = std::numeric_limits<float>::quiet_NaN();
    Result<Model> model = Model::Create(args, dict, std::move(input), std::move(output));
    ASSERT_TRUE(model.ok()) << model.message();
    std::vector<Prediction> predictions;
    PredictScratch scratch;
    model->Predict(std::vector<int32_t>{0}, -1, 0.0f, predictions, scratch);
    ASSERT_LE(predictions.size(), 2u) << static_cast<int>(loss);
    for (const Prediction& p : predictions) {
      EXPECT_TRUE(p.label == 0 || p.label == 1) << static_cast<int>(loss);
      EXPECT_TRUE(std::isnan(p.log_prob)) << static_cast<int>(loss);
    }
  }
}

// fastText builds the hierarchical-softmax tree assuming label counts sorted
// decreasing and below 1e15; a damaged file's counts once sent the
// construction past the end of the tree (found by fuzz/fasttext_bin.cc).
TEST(LossLayer, HsTreeOfAnyCountsKeepsEveryLabelReachable) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<Entry> entries = {{"a", 1, EntryType::kWord},
                                {"__label__w", 1, EntryType::kLabel},
                                {"__label__x", kMax, EntryType::kLabel},
                                {"__label__y", -7, EntryType::kLabel},
                                {"__label__z", kMax, EntryType::kLabel},
                                {"__label__v", 5, EntryType::kLabel}};
  DictArgs dict_args;
  dict_args.bucket = 0;
  auto dict = std::make_shared<const Dictionary>(*Dictionary::FromSorted(entries, 5, dict_args));
  TrainArgs args;
  args.dim = 2;
  args.loss = Loss::kHs;
  LazyMatrix input(1, 2, nullptr);
  Matrix output(5, 2);
  input.MutableRow(0)[0] = 1;
  Result<Model> model = Model::Create(args, dict, std::move(input), std::move(output));
  ASSERT_TRUE(model.ok()) << model.message();
  std::vector<Prediction> predictions;
  PredictScratch scratch;
  model->Predict(std::vector<int32_t>{0}, -1, 0.0f, predictions, scratch);
  std::vector<int32_t> labels;
  for (const Prediction& p : predictions) labels.push_back(p.label);
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<int32_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace rungs::text
