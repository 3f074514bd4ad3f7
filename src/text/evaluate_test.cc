#include "text/evaluate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rungs::text {
namespace {

// Two words a=(1,0), b=(0,1); labels x=(5,0), y=(0,5), z=(-1,-1) under
// softmax, so `a` predicts x then y, and `b` predicts y then x.
struct HandModel {
  std::shared_ptr<const Dictionary> dict;
  std::unique_ptr<Model> model;
  Encoded data;

  HandModel() {
    std::vector<Entry> entries = {{"a", 3, EntryType::kWord},
                                  {"b", 2, EntryType::kWord},
                                  {"__label__x", 2, EntryType::kLabel},
                                  {"__label__y", 2, EntryType::kLabel},
                                  {"__label__z", 1, EntryType::kLabel}};
    DictArgs dict_args;
    dict_args.bucket = 0;  // no n-grams: the input matrix is just the two words
    dict = std::make_shared<const Dictionary>(*Dictionary::FromSorted(entries, 10, dict_args));
    TrainArgs args;
    args.dim = 2;
    LazyMatrix input(2, 2, nullptr);
    Matrix output(3, 2);
    input.MutableRow(0)[0] = 1;
    input.MutableRow(1)[1] = 1;
    output.Row(0)[0] = 5;
    output.Row(1)[1] = 5;
    output.Row(2)[0] = output.Row(2)[1] = -1;
    model = std::make_unique<Model>(*Model::Create(args, dict, std::move(input), std::move(output)));
    data.dict = dict;
    data.input_begin = {0};
    data.label_begin = {0};
    // (rows, labels): 1 right, 2 right, 3 wrong, 4 wrong (two gold labels),
    // 5 has no input and 6 no label: both skipped as fastText skips them.
    Add({0}, {0});
    Add({1}, {1});
    Add({0}, {1});
    Add({1}, {0, 2});
    Add({}, {0});
    Add({0}, {});
  }
  void Add(std::vector<int32_t> rows, std::vector<int32_t> labels) {
    data.inputs.insert(data.inputs.end(), rows.begin(), rows.end());
    data.labels.insert(data.labels.end(), labels.begin(), labels.end());
    data.input_begin.push_back(static_cast<int64_t>(data.inputs.size()));
    data.label_begin.push_back(static_cast<int64_t>(data.labels.size()));
    data.ntokens.push_back(1);
  }
};

TEST(Evaluate, CountsPrecisionAndRecallAtOneByHand) {
  HandModel h;
  auto r = Evaluate(*h.model, h.data, 1, 0);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->examples, 4);
  EXPECT_EQ(r->gold, 5);
  EXPECT_EQ(r->predicted, 4);
  EXPECT_EQ(r->predicted_gold, 2);
  EXPECT_DOUBLE_EQ(r->PrecisionAtK(), 0.5);
  EXPECT_DOUBLE_EQ(r->RecallAtK(), 0.4);
  const LabelStats& x = r->labels[0];
  EXPECT_EQ(x.label, "__label__x");
  EXPECT_EQ(x.predicted, 2);
  EXPECT_EQ(x.predicted_gold, 1);
  EXPECT_EQ(x.gold, 2);
  EXPECT_DOUBLE_EQ(x.F1(), 0.5);
  EXPECT_DOUBLE_EQ(x.FastTextF1(), 1.0);
  const LabelStats& z = r->labels[2];
  EXPECT_TRUE(std::isnan(z.Precision()));  // never predicted
  EXPECT_DOUBLE_EQ(z.Recall(), 0.0);
  EXPECT_DOUBLE_EQ(z.F1(), 0.0);
}

TEST(Evaluate, TopTwoFindsTheSecondLabels) {
  HandModel h;
  auto r = Evaluate(*h.model, h.data, 2, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->predicted, 8);
  EXPECT_EQ(r->predicted_gold, 4);
  EXPECT_DOUBLE_EQ(r->PrecisionAtK(), 0.5);
  EXPECT_DOUBLE_EQ(r->RecallAtK(), 0.8);
}

TEST(Evaluate, ThresholdDropsUnlikelyLabels) {
  HandModel h;
  // p(second label) = 1 / (e^5 + 1 + e^-1) < 0.01: only the first passes 0.5.
  auto r = Evaluate(*h.model, h.data, 2, 0.5f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->predicted, 4);
  EXPECT_EQ(r->predicted_gold, 2);
}

TEST(Evaluate, PredictionsComeBestFirstWithProbabilities) {
  HandModel h;
  PredictScratch scratch;
  std::vector<Prediction> out;
  const int32_t rows[] = {0};
  h.model->Predict(rows, 0, 0.0f, out, scratch);  // k <= 0: all labels
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].label, 0);
  EXPECT_EQ(out[1].label, 1);
  EXPECT_EQ(out[2].label, 2);
  const double z = std::exp(5.0) + 1 + std::exp(-1.0);  // scores 5, 0, -1
  EXPECT_NEAR(std::exp(out[0].log_prob), std::exp(5.0) / z, 1e-4);
}

TEST(Evaluate, RejectsKBelowOneAndForeignData) {
  HandModel h;
  EXPECT_FALSE(Evaluate(*h.model, h.data, 0, 0).ok());
  HandModel other;
  auto r = Evaluate(*h.model, other.data, 1, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("another dictionary"), std::string::npos);
}

}  // namespace
}  // namespace rungs::text
