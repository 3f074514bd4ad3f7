// A model trained by rungs is a fastText model: /usr/bin/fasttext loads it
// and predicts exactly what rungs predicts, line for line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "cli/run_rungs_testing.h"
#include "cli/sample_data_testing.h"
#include "text/reader.h"

namespace rungs::cli {
namespace {

const char kFastText[] = "/usr/bin/fasttext";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Trains with rungs, then predicts `data` with rungs and with fastText.
void ExpectSamePredictions(const std::string& name, const std::string& train,
                           const std::string& data, std::vector<std::string> flags) {
  std::vector<std::string> args = {"train", "-input", train, "-output", TestPath(name),
                                   "-thread", "1", "-verbose", "0"};
  args.insert(args.end(), flags.begin(), flags.end());
  RunResult trained = RunRungs(args);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  std::string model = TestPath(name + ".bin");

  RunResult ours = RunRungs({"predict", model, data, "2"});
  RunResult theirs = RunProgram(kFastText, {"predict", model, data, "2"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  std::vector<std::string> our_lines = Lines(ours.out);
  std::vector<std::string> their_lines = Lines(theirs.out);
  ASSERT_EQ(our_lines.size(), their_lines.size());
  ASSERT_GT(our_lines.size(), 0u);
  for (size_t i = 0; i < our_lines.size(); ++i) {
    ASSERT_EQ(our_lines[i], their_lines[i]) << "line " << i + 1;
  }

  RunResult our_test = RunRungs({"test", model, data});
  RunResult their_test = RunProgram(kFastText, {"test", model, data});
  EXPECT_EQ(our_test.out, their_test.out);

  // Probabilities agree to float rounding.
  RunResult our_probs = RunRungs({"predict-prob", model, data, "1"});
  RunResult their_probs = RunProgram(kFastText, {"predict-prob", model, data, "1"});
  std::vector<std::string> a = Lines(our_probs.out), b = Lines(their_probs.out);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    std::istringstream sa(a[i]), sb(b[i]);
    std::string la, lb;
    double pa = 0, pb = 0;
    sa >> la >> pa;
    sb >> lb >> pb;
    ASSERT_EQ(la, lb) << "line " << i + 1;
    ASSERT_NEAR(pa, pb, 1e-4) << "line " << i + 1;
  }
}

TEST(RoundTrip, FastTextPredictsWhatRungsPredictsWithNgramsAndSubwords) {
  WriteWholeFile(TestPath("rt_train.txt"), SampleFastTextLines(800, 11));
  WriteWholeFile(TestPath("rt_valid.txt"), SampleFastTextLines(300, 12));
  ExpectSamePredictions("rt_softmax", TestPath("rt_train.txt"), TestPath("rt_valid.txt"),
                        {"-dim", "16", "-epoch", "5", "-wordNgrams", "2", "-minn", "2",
                         "-maxn", "4", "-bucket", "50000"});
}

TEST(RoundTrip, EveryLossPredictsTheSameInFastText) {
  WriteWholeFile(TestPath("rt_train.txt"), SampleFastTextLines(800, 11));
  WriteWholeFile(TestPath("rt_valid.txt"), SampleFastTextLines(300, 12));
  for (const std::string loss : {"hs", "ns", "ova"}) {
    SCOPED_TRACE(loss);
    ExpectSamePredictions("rt_" + loss, TestPath("rt_train.txt"), TestPath("rt_valid.txt"),
                          {"-dim", "12", "-epoch", "3", "-loss", loss});
  }
}

// AG News as rungs reads the CSV, written out as fastText lines for fastText.
TEST(RoundTrip, AgNewsCsvModelPredictsTheSameInFastText) {
  text::ReadOptions csv;
  csv.csv_has_header = false;
  csv.csv_label_column = "0";
  csv.csv_text_columns = {"1", "2"};
  std::string lines;
  Result<text::ReadStats> read =
      text::ReadExamples(RUNGS_SHARED_DATA "/ag_news/test.csv", csv, [&](const text::Example& e) {
        lines += "__label__" + std::string(e.labels[0]);
        for (std::string_view word : e.words) lines += " " + std::string(word);
        lines += "\n";
        return Status::Ok();
      });
  ASSERT_TRUE(read.ok()) << read.message();
  WriteWholeFile(TestPath("ag.txt"), lines);
  ExpectSamePredictions("rt_ag", TestPath("ag.txt"), TestPath("ag.txt"),
                        {"-dim", "10", "-epoch", "2", "-wordNgrams", "2"});

  // Predicting from the CSV itself gives the same lines as from the text file.
  std::string model = TestPath("rt_ag.bin");
  RunResult from_csv = RunRungs({"predict", model, RUNGS_SHARED_DATA "/ag_news/test.csv",
                                 "--no-header", "--label-column", "0", "--text-column", "1",
                                 "--text-column", "2"});
  RunResult from_text = RunProgram(kFastText, {"predict", model, TestPath("ag.txt")});
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
  EXPECT_EQ(from_csv.out, from_text.out);
}

}  // namespace
}  // namespace rungs::cli
