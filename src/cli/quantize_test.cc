// rungs quantize writes fastText's .ftz: `fasttext predict/test` load it and
// predict what rungs predicts; and rungs loads fastText's own .ftz files.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "testing/files.h"
#include "testing/synthetic_corpus.h"
#include "testing/run_program.h"
#include "testing/sample_data.h"
#include "testing/temp_dir.h"


namespace rungs::cli {
namespace {

using testing::ReadFile;
using testing::RunProgram;
using testing::RunResult;
using testing::RunRungs;
using testing::SampleFastTextLines;
using testing::TestPath;
using testing::WriteFile;

using testing::kFastText;

// Both tools predict `data` with `model`: the same labels on every line, the
// same `test` report, and probabilities equal to float rounding.
void ExpectSamePredictions(const std::string& model, const std::string& data) {
  RunResult ours = RunRungs({"predict", model, data, "2"});
  RunResult theirs = RunProgram(kFastText, {"predict", model, data, "2"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  ASSERT_FALSE(ours.out.empty());
  EXPECT_EQ(ours.out, theirs.out);
  RunResult our_test = RunRungs({"test", model, data});
  RunResult their_test = RunProgram(kFastText, {"test", model, data});
  EXPECT_EQ(our_test.out, their_test.out);
  RunResult our_probs = RunRungs({"predict-prob", model, data, "1"});
  RunResult their_probs = RunProgram(kFastText, {"predict-prob", model, data, "1"});
  std::istringstream a(our_probs.out), b(their_probs.out);
  std::string la, lb;
  double pa = 0, pb = 0;
  int lines = 0;
  while (a >> la >> pa && b >> lb >> pb) {
    ASSERT_EQ(la, lb) << "line " << lines + 1;
    ASSERT_NEAR(pa, pb, 1e-4) << "line " << lines + 1;
    ++lines;
  }
  EXPECT_GT(lines, 0);
}

// P@1 as `rungs test` prints it.
double PrecisionAt1(const std::string& model, const std::string& data) {
  RunResult r = RunRungs({"test", model, data});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.out.find("P@1\t");
  return at == std::string::npos ? -1 : std::stod(r.out.substr(at + 4));
}

class QuantizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    train_ = TestPath("q_train.txt");
    valid_ = TestPath("q_valid.txt");
    WriteFile(train_, SampleFastTextLines(1500, 21));
    WriteFile(valid_, SampleFastTextLines(400, 22));
  }
  // Trains rungs' model <name>.bin.
  std::string Train(const std::string& name) {
    const std::string out = TestPath(name);
    RunResult r = RunRungs({"train", "-input", train_, "-output", out, "-dim", "20", "-epoch", "5",
                            "-wordNgrams", "2", "-minn", "2", "-maxn", "4", "-bucket", "100000",
                            "-thread", "1", "-verbose", "0"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  std::string train_, valid_;
};

TEST_F(QuantizeTest, FastTextPredictsWhatRungsPredictsFromOurFtz) {
  const std::string out = Train("q_ours");
  const double full = PrecisionAt1(out + ".bin", valid_);
  // Pruned to 2,000 rows and retrained, norms quantized.
  RunResult q = RunRungs({"quantize", "-output", out, "-input", train_, "-qnorm", "-cutoff", "2000",
                          "-retrain", "-epoch", "2", "-thread", "1", "-verbose", "0"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  ExpectSamePredictions(out + ".ftz", valid_);
  EXPECT_NEAR(PrecisionAt1(out + ".ftz", valid_), full, 0.05);
  EXPECT_LT(ReadFile(out + ".ftz").size(), ReadFile(out + ".bin").size() / 20);
  // Every row kept, four coordinates a byte, two dashes.
  q = RunRungs({"quantize", "--output", out, "--dsub", "4", "--thread", "2"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  ExpectSamePredictions(out + ".ftz", valid_);
}

TEST_F(QuantizeTest, RungsPredictsWhatFastTextPredictsFromItsFtz) {
  const std::string out = TestPath("q_theirs");
  RunResult t = RunProgram(kFastText, {"supervised", "-input", train_, "-output", out, "-dim", "20",
                                       "-epoch", "5", "-wordNgrams", "2", "-minn", "2", "-maxn",
                                       "4", "-bucket", "100000", "-thread", "1", "-verbose", "0"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  RunResult q = RunProgram(kFastText, {"quantize", "-input", train_, "-output", out, "-qnorm",
                                       "-cutoff", "2000", "-retrain", "-epoch", "1", "-thread",
                                       "1", "-verbose", "0"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  ExpectSamePredictions(out + ".ftz", valid_);
  // Per-label precision as fastText's test-label gives it (its recall and F1
  // are 0.9.2's quirks, which rungs does not copy).
  auto precisions = [](const std::string& report) {
    std::vector<std::string> out;
    for (size_t at = report.find("Precision : "); at != std::string::npos;
         at = report.find("Precision : ", at + 1)) {
      out.push_back(report.substr(at, 20));
    }
    return out;
  };
  RunResult ours = RunRungs({"test-label", out + ".ftz", valid_});
  RunResult theirs = RunProgram(kFastText, {"test-label", out + ".ftz", valid_});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(precisions(ours.out).size(), 3u);
  EXPECT_EQ(precisions(ours.out), precisions(theirs.out));
}

TEST_F(QuantizeTest, RefusesBadFlagsAndModelsNamingThem) {
  const std::string out = Train("q_bad");
  auto error_of = [](const std::vector<std::string>& args) {
    RunResult r = RunRungs(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(r.signalled);
    return r.err;
  };
  EXPECT_NE(error_of({"quantize", "-output", out, "-cutoff", "10"}).find("-cutoff"),
            std::string::npos);
  EXPECT_NE(error_of({"quantize", "-output", out, "-dsub", "0"}).find("-dsub"), std::string::npos);
  EXPECT_NE(error_of({"quantize", "-output", out, "-cutoff", "500", "-retrain"}).find("--input"),
            std::string::npos);
  EXPECT_NE(error_of({"quantize", "-output", out, "-qout"}).find("256 labels"), std::string::npos);
  EXPECT_NE(error_of({"quantize", "-output", TestPath("missing")}).find("missing.bin"),
            std::string::npos);
  // A quantized model is not quantized again.
  ASSERT_EQ(RunRungs({"quantize", "-output", out}).exit_code, 0);
  std::rename((out + ".ftz").c_str(), (out + "2.bin").c_str());
  EXPECT_NE(error_of({"quantize", "-output", out + "2"}).find("quantized already"),
            std::string::npos);
}

}  // namespace
}  // namespace rungs::cli
