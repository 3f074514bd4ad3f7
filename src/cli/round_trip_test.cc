// A model trained by rungs is a fastText model: /usr/bin/fasttext loads it
// and predicts exactly what rungs predicts, line for line; for a model that
// records normalization, from the text `rungs normalize` gives it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "text/reader.h"
#include "testing/files.h"
#include "testing/synthetic_corpus.h"
#include "testing/run_program.h"
#include "testing/sample_data.h"
#include "testing/temp_dir.h"

namespace rungs::cli {
namespace {

using testing::RunProgram;
using testing::RunResult;
using testing::RunRungs;
using testing::SampleFastTextLines;
using testing::SampleRawFastTextLines;
using testing::TestPath;
using testing::WriteFile;

using testing::kFastText;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Predicts with rungs from `ours` and with fastText from `theirs` (the same
// examples, as each reads them): the same labels line for line, the same test
// output, and probabilities that agree to float rounding.
void ExpectFastTextAgrees(const std::string& model, const std::string& ours,
                          const std::string& theirs) {
  RunResult our_labels = RunRungs({"predict", model, ours, "2"});
  RunResult their_labels = RunProgram(kFastText, {"predict", model, theirs, "2"});
  ASSERT_EQ(our_labels.exit_code, 0) << our_labels.err;
  ASSERT_EQ(their_labels.exit_code, 0) << their_labels.err;
  std::vector<std::string> our_lines = Lines(our_labels.out);
  std::vector<std::string> their_lines = Lines(their_labels.out);
  ASSERT_EQ(our_lines.size(), their_lines.size());
  ASSERT_GT(our_lines.size(), 0u);
  for (size_t i = 0; i < our_lines.size(); ++i) {
    ASSERT_EQ(our_lines[i], their_lines[i]) << "line " << i + 1;
  }

  RunResult our_test = RunRungs({"test", model, ours});
  RunResult their_test = RunProgram(kFastText, {"test", model, theirs});
  EXPECT_EQ(our_test.out, their_test.out);

  RunResult our_probs = RunRungs({"predict-prob", model, ours, "1"});
  RunResult their_probs = RunProgram(kFastText, {"predict-prob", model, theirs, "1"});
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

// Trains `name`.bin with rungs on `train`, returning its path.
std::string TrainModel(const std::string& name, const std::string& train,
                       const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"train", "-input", train, "-output", TestPath(name),
                                   "-thread", "1", "-verbose", "0"};
  args.insert(args.end(), flags.begin(), flags.end());
  RunResult trained = RunRungs(args);
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  return TestPath(name + ".bin");
}

// Trains with rungs, then predicts `data` with rungs and with fastText.
void ExpectSamePredictions(const std::string& name, const std::string& train,
                           const std::string& data, const std::vector<std::string>& flags) {
  ExpectFastTextAgrees(TrainModel(name, train, flags), data, data);
}

// `rungs normalize` of `raw`, written to `clean`.
void Normalize(const std::string& raw, const std::string& clean,
               const std::vector<std::string>& flags = {}) {
  std::vector<std::string> args = {"normalize", raw};
  args.insert(args.end(), flags.begin(), flags.end());
  RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  WriteFile(clean, run.out);
}

TEST(RoundTrip, FastTextPredictsWhatRungsPredictsWithNgramsAndSubwords) {
  WriteFile(TestPath("rt_train.txt"), SampleFastTextLines(800, 11));
  WriteFile(TestPath("rt_valid.txt"), SampleFastTextLines(300, 12));
  ExpectSamePredictions("rt_softmax", TestPath("rt_train.txt"), TestPath("rt_valid.txt"),
                        {"-dim", "16", "-epoch", "5", "-wordNgrams", "2", "-minn", "2",
                         "-maxn", "4", "-bucket", "50000"});
}

TEST(RoundTrip, EveryLossPredictsTheSameInFastText) {
  WriteFile(TestPath("rt_train.txt"), SampleFastTextLines(800, 11));
  WriteFile(TestPath("rt_valid.txt"), SampleFastTextLines(300, 12));
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
  WriteFile(TestPath("ag.txt"), lines);
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

// A model trained with --normalize records it, so rungs normalizes raw text by
// itself; fastText, given the same text through `rungs normalize`, predicts
// the same labels line for line (fastText lines, with a blank one).
TEST(RoundTrip, FastTextOnNormalizedTextPredictsWhatRungsPredictsOnRawText) {
  WriteFile(TestPath("raw_train.txt"), SampleRawFastTextLines(800, 21));
  WriteFile(TestPath("raw_valid.txt"), SampleRawFastTextLines(150, 22) + "\n" +
                                                SampleRawFastTextLines(150, 23));
  std::string model = TrainModel("rt_norm", TestPath("raw_train.txt"),
                                 {"-dim", "16", "-epoch", "5", "-wordNgrams", "2", "--normalize"});
  Normalize(TestPath("raw_valid.txt"), TestPath("clean_valid.txt"));
  ExpectFastTextAgrees(model, TestPath("raw_valid.txt"), TestPath("clean_valid.txt"));
  // Normalization mattered: fastText on the raw text predicts otherwise.
  EXPECT_NE(RunProgram(kFastText, {"predict", model, TestPath("raw_valid.txt")}).out,
            RunRungs({"predict", model, TestPath("raw_valid.txt")}).out);
  // Normalizing twice changes nothing, so clean text is fine for rungs too.
  EXPECT_EQ(RunRungs({"predict", model, TestPath("clean_valid.txt")}).out,
            RunRungs({"predict", model, TestPath("raw_valid.txt")}).out);
}

// The same from CSV and JSON lines: `rungs normalize` reads them as predict
// and test do and writes fastText lines.
TEST(RoundTrip, NormalizeTurnsCsvAndJsonLinesIntoWhatFastTextNeeds) {
  std::string csv = "label,text\n", jsonl;
  std::istringstream raw(SampleRawFastTextLines(200, 24));
  for (std::string line; std::getline(raw, line);) {
    size_t space = line.find(' ');
    std::string label = line.substr(9, space - 9), text = line.substr(space + 1);
    std::string quoted;
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    csv += label + ",\"" + quoted + "\"\n";
    jsonl += nlohmann::json({{"label", label}, {"text", text}})
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
  }
  WriteFile(TestPath("raw_valid.csv"), csv);
  WriteFile(TestPath("raw_valid.jsonl"), jsonl);
  WriteFile(TestPath("raw_train.txt"), SampleRawFastTextLines(800, 21));
  std::string model = TrainModel("rt_norm_csv", TestPath("raw_train.txt"),
                                 {"-dim", "12", "-epoch", "5", "--normalize"});
  for (const std::string file : {"raw_valid.csv", "raw_valid.jsonl"}) {
    SCOPED_TRACE(file);
    Normalize(TestPath(file), TestPath(file + ".clean.txt"));
    ExpectFastTextAgrees(model, TestPath(file), TestPath(file + ".clean.txt"));
  }
}

}  // namespace
}  // namespace rungs::cli
