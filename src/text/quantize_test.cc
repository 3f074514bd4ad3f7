#include "text/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <tuple>

#include "text/evaluate.h"
#include "text/fasttext_bin.h"
#include "text/product_quantizer.h"
#include "testing/run_program.h"
#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::BuildCorpus;
using testing::MakeExamples;


// Vectors near 40 prototypes: 256 centroids per position reconstruct them
// closely.
TEST(ProductQuantizer, ReconstructsClusteredVectorsAndRoundTrips) {
  const int dim = 9, n = 3000;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> prototypes(40 * dim), x(n * dim);
  for (float& v : prototypes) v = normal(rng);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < dim; ++j) x[i * dim + j] = prototypes[(i % 40) * dim + j] + 1e-3f * normal(rng);
  }
  ProductQuantizer pq(dim, 2);  // four pairs and a single coordinate
  EXPECT_EQ(pq.nsubq(), 5);
  EXPECT_EQ(pq.last_dsub(), 1);
  ASSERT_TRUE(pq.Train(x.data(), n, 2).ok());
  std::vector<uint8_t> codes(n * pq.nsubq());
  pq.EncodeAll(x.data(), n, codes.data(), 2);
  std::vector<float> decoded(dim);
  for (int i = 0; i < n; ++i) {
    pq.Decode(&codes[i * pq.nsubq()], 1.0f, decoded.data());
    for (int j = 0; j < dim; ++j) ASSERT_NEAR(decoded[j], x[i * dim + j], 0.01) << i << " " << j;
    ASSERT_FLOAT_EQ(pq.Dot(x.data() + i * dim, &codes[i * pq.nsubq()], 2.0f),
                    2.0f * [&] { float s = 0; for (int j = 0; j < dim; ++j) s += x[i * dim + j] * decoded[j]; return s; }());
  }
  // The same codes come out whatever the thread count.
  ProductQuantizer one(dim, 2);
  ASSERT_TRUE(one.Train(x.data(), n, 1).ok());
  std::vector<uint8_t> codes_one(n * pq.nsubq());
  one.EncodeAll(x.data(), n, codes_one.data(), 1);
  EXPECT_EQ(codes, codes_one);

  const std::string path = (testing::FreshDir() / "pq").string();
  BinaryWriter out(path);
  pq.Save(out);
  ASSERT_TRUE(out.Close().ok());
  BinaryReader in(path);
  ASSERT_TRUE(in.Open().ok());
  ProductQuantizer loaded;
  ASSERT_TRUE(loaded.Load(in, "pq").ok());
  EXPECT_EQ(in.remaining(), 0);
  std::vector<float> again(dim);
  loaded.Decode(&codes[0], 1.0f, again.data());
  pq.Decode(&codes[0], 1.0f, decoded.data());
  EXPECT_EQ(again, decoded);
  EXPECT_FALSE(ProductQuantizer(dim, 2).Train(x.data(), 255, 1).ok());
}

class QuantizeModel : public ::testing::Test {
 protected:
  void SetUp() override {
    corpus_ = BuildCorpus(MakeExamples(600, 4, 7));
    TrainArgs args;
    args.dim = 12;
    args.thread = 1;
    args.epoch = 5;
    args.lr = 0.5;
    args.dict.word_ngrams = 2;
    args.dict.bucket = 20000;
    auto data = corpus_->Encode(args.dict);
    ASSERT_TRUE(data.ok());
    auto checkpoint = StartTraining(**data, args);
    ASSERT_TRUE(checkpoint.ok());
    ASSERT_TRUE(Train(**data, LrSchedule::FastText(args), args.epoch, *checkpoint).ok());
    model_ = std::make_unique<Model>(std::move(checkpoint->model));
    dir_ = testing::FreshDir();
  }
  int64_t SavedBytes(const Model& model) {
    EXPECT_TRUE(SaveFastTextBin(model, Preprocessing{}, dir_ + "/m.ftz").ok());
    return static_cast<int64_t>(std::filesystem::file_size(dir_ + "/m.ftz"));
  }
  std::shared_ptr<Corpus> corpus_;
  std::unique_ptr<Model> model_;
  std::string dir_;
};

// The size Quantize's .ftz will have is known before quantizing, exactly.
TEST_F(QuantizeModel, PredictsTheFileSizeExactly) {
  for (const auto& [dsub, qnorm, cutoff] :
       std::vector<std::tuple<int, bool, int64_t>>{{2, false, 0}, {3, true, 0}, {4, true, 500}}) {
    QuantizeArgs args;
    args.dsub = dsub;
    args.qnorm = qnorm;
    args.cutoff = cutoff;
    args.thread = 2;
    auto q = Quantize(*model_, args);
    ASSERT_TRUE(q.ok()) << q.message();
    EXPECT_EQ(SavedBytes(*q), QuantizedFileBytes(*model_, args, Preprocessing{})) << dsub;
  }
}

TEST_F(QuantizeModel, CutoffKeepsEndOfLineAndTheLargestRowsAndRetrains) {
  QuantizeArgs args;
  args.cutoff = 300;
  args.retrain = true;
  args.thread = 1;
  args.epoch = 2;
  auto q = Quantize(*model_, args, corpus_.get());
  ASSERT_TRUE(q.ok()) << q.message();
  EXPECT_EQ(q->input().rows(), 300);
  EXPECT_TRUE(q->dict().pruned());
  EXPECT_GE(q->dict().Find(kEos), 0);
  EXPECT_EQ(q->dict().nlabels(), model_->dict().nlabels());
  EXPECT_EQ(q->args().epoch, 2);
  // Loaded back, it predicts what it predicted before saving.
  ASSERT_TRUE(SaveFastTextBin(*q, Preprocessing{}, dir_ + "/q.ftz").ok());
  auto loaded = LoadFastTextBin(dir_ + "/q.ftz");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  auto test = BuildCorpus(MakeExamples(200, 4, 8));
  auto a = Evaluate(*q, **test->EncodeWith(q->shared_dict()), 1, 0);
  auto b = Evaluate(loaded->model, **test->EncodeWith(loaded->model.shared_dict()), 1, 0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->PrecisionAtK(), b->PrecisionAtK());
  EXPECT_GT(a->PrecisionAtK(), 0.8);
  // Without a corpus there is nothing to retrain on.
  EXPECT_FALSE(Quantize(*model_, args).ok());
}

TEST_F(QuantizeModel, ChoosesArgsThatFitASizeLimit) {
  const int64_t whole = QuantizedFileBytes(
      *model_, *QuantizeArgsForSize(*model_, Preprocessing{}, int64_t{1} << 40, false, 1), Preprocessing{});
  auto roomy = QuantizeArgsForSize(*model_, Preprocessing{}, whole, false, 1);
  ASSERT_TRUE(roomy.ok());
  EXPECT_EQ(roomy->cutoff, 0);
  EXPECT_TRUE(roomy->qnorm);
  for (int64_t limit : {whole / 2, int64_t{20000}}) {
    auto fitted = SaveQuantizedWithin(*model_, Preprocessing{}, limit, corpus_.get(), 1, dir_ + "/fit.ftz");
    ASSERT_TRUE(fitted.ok()) << fitted.message();
    EXPECT_GT(fitted->cutoff, 0);
    EXPECT_TRUE(fitted->retrain);
    EXPECT_LE(static_cast<int64_t>(std::filesystem::file_size(dir_ + "/fit.ftz")), limit);
    EXPECT_TRUE(LoadFastTextBin(dir_ + "/fit.ftz").ok());
  }
  auto impossible = QuantizeArgsForSize(*model_, Preprocessing{}, 5000, false, 1);
  ASSERT_FALSE(impossible.ok());
  EXPECT_NE(impossible.message().find("no quantized model fits"), std::string::npos);
}

// A --max-model-size below this is refused before a tune's search: it must
// never exceed what the smallest choice of QuantizeArgsForSize takes, and
// it falls short of it only by the rows, words and labels.
TEST_F(QuantizeModel, TheSmallestFileSizeIsALowerBoundOfEveryChoice) {
  const int64_t smallest = SmallestQuantizedFileBytes(model_->args().dim);
  Result<QuantizeArgs> fits = QuantizeArgsForSize(*model_, Preprocessing{}, smallest, false, 1);
  ASSERT_FALSE(fits.ok());
  const size_t takes = fits.message().rfind("takes ");
  ASSERT_NE(takes, std::string::npos) << fits.message();
  const int64_t fewest = std::stoll(fits.message().substr(takes + 6));
  EXPECT_GT(fewest, smallest);
  // It leaves out only the 256 rows (a code of 3 bytes at dsub 8, and a word
  // of a few bytes or a pruned n-gram's 8) and the 4 labels (their entries
  // and output rows).
  EXPECT_LT(fewest - smallest, 256 * (3 + 8 + 16) + 4 * (16 + 12 * 4));
}

// -qout: 300 labels, output quantized too; fastText loads our file and
// predicts the same labels.
TEST(Quantize, QuantizedOutputPredictsTheSameInFastText) {
  if (!testing::HaveFastText()) GTEST_SKIP() << "/usr/bin/fasttext not installed";
  const std::string dir = testing::FreshDir();
  const auto examples = MakeExamples(3000, 300, 9);
  auto corpus = BuildCorpus(examples);
  TrainArgs args;
  args.dim = 8;
  args.thread = 1;
  args.epoch = 3;
  args.loss = Loss::kOva;
  auto data = corpus->Encode(args.dict);
  ASSERT_TRUE(data.ok());
  auto checkpoint = StartTraining(**data, args);
  ASSERT_TRUE(Train(**data, LrSchedule::FastText(args), args.epoch, *checkpoint).ok());
  QuantizeArgs q;
  q.qout = true;
  q.thread = 2;
  auto quantized = Quantize(checkpoint->model, q);
  ASSERT_TRUE(quantized.ok()) << quantized.message();
  ASSERT_NE(quantized->quantized().output, nullptr);
  ASSERT_TRUE(SaveFastTextBin(*quantized, Preprocessing{}, dir + "/qout.ftz").ok());
  testing::WriteFastTextFile(MakeExamples(200, 300, 10), dir + "/test.txt");
  int status = 0;
  const std::string theirs = testing::RunCommand(
      "/usr/bin/fasttext predict " + dir + "/qout.ftz " + dir + "/test.txt 1", status);
  ASSERT_EQ(status, 0);
  auto loaded = LoadFastTextBin(dir + "/qout.ftz");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  std::istringstream lines(theirs);
  PredictScratch scratch;
  std::vector<Prediction> predictions;
  int n = 0;
  for (const auto& e : MakeExamples(200, 300, 10)) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    std::vector<std::string_view> words(e.words.begin(), e.words.end());
    loaded->model.PredictWords(words, 1, 0.0f, predictions, scratch);
    ASSERT_EQ(predictions.size(), 1u);
    EXPECT_EQ(loaded->model.dict().Label(predictions[0].label), line) << n;
    ++n;
  }
}

}  // namespace
}  // namespace rungs::text
