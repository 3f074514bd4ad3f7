// The commands as a user meets them: every bad input gives one clear message
// and a non-zero exit, never a crash; good input gives fastText's output.
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/files.h"
#include "testing/run_program.h"
#include "testing/sample_data.h"
#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"


namespace rungs::cli {
namespace {

using testing::kFastText;
using testing::ReadFile;
using testing::RunResult;
using testing::RunRungs;
using testing::SampleFastTextLines;
using testing::SampleRawFastTextLines;
using testing::TestPath;
using testing::WriteFile;

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// The shape every failure must have: exit 1 (or 2 for usage errors), no
// signal, and stderr one line starting with "rungs <command>: error:" (or
// CLI11's usage message).
void ExpectOneClearError(const RunResult& run, const std::string& command,
                         const std::string& needle) {
  EXPECT_FALSE(run.signalled) << run.err;
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, StartsWith("rungs " + command + ": error: ")) << run.err;
  EXPECT_THAT(run.err, HasSubstr(needle));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

std::vector<std::string> Train(const std::string& input, const std::string& output,
                               std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"train", "-input", input, "-output", output, "-dim", "8",
                                   "-epoch", "3", "-thread", "1", "-verbose", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    WriteFile(TestPath("train.txt"), SampleFastTextLines(600, 1));
    WriteFile(TestPath("valid.txt"), SampleFastTextLines(200, 2));
    RunResult run = RunRungs(Train(TestPath("train.txt"), TestPath("model")));
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  static std::string Model() { return TestPath("model.bin"); }
};

TEST_F(Cli, TrainWritesAModelAndIsQuietOffATerminal) {
  RunResult run = RunRungs(Train(TestPath("train.txt"), TestPath("quiet"), {"-verbose", "2"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("Number of labels: 3"));  // an explicit -verbose 2 asks
  RunResult silent = RunRungs({"train", "-input", TestPath("train.txt"), "-output",
                               TestPath("quiet"), "-dim", "8", "-epoch", "1"});
  ASSERT_EQ(silent.exit_code, 0) << silent.err;
  EXPECT_EQ(silent.err, "");
  EXPECT_FALSE(ReadFile(TestPath("quiet.bin")).empty());
}

TEST_F(Cli, ProgressFlagPrintsProgressLinesIntoAPipe) {
  RunResult run = RunRungs(Train(TestPath("train.txt"), TestPath("progress"), {"--progress"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("Progress: 100.0% words/sec/thread:"));
  EXPECT_THAT(run.err, HasSubstr(" lr: "));
  EXPECT_THAT(run.err, HasSubstr(" avg.loss: "));
  EXPECT_THAT(run.err, HasSubstr(" ETA: "));
  EXPECT_EQ(run.err.find('\r'), std::string::npos);  // no in-place rewrites in a log
}

TEST_F(Cli, DashboardRefusesAMissingFolderAndAPublicAddressWithoutTheFlag) {
  ExpectOneClearError(RunRungs({"dashboard", "/nonexistent/run"}), "dashboard", "/nonexistent/run");
  ExpectOneClearError(RunRungs({"dashboard", TestPath("train.txt"), "--addr", "0.0.0.0:0"}), "dashboard",
                      "--allow-remote");
  ExpectOneClearError(RunRungs({"dashboard", TestPath("train.txt"), "--addr", "127.0.0.1:http"}), "dashboard",
                      "'127.0.0.1:http'");
}

TEST_F(Cli, MissingInputFile) {
  ExpectOneClearError(RunRungs(Train("/nonexistent/train.txt", TestPath("m"))), "train",
                      "cannot open '/nonexistent/train.txt'");
}

TEST_F(Cli, UnreadableInputFile) {
  // Opens, but every read fails (EIO): what an unreadable file looks like to root too.
  ExpectOneClearError(RunRungs(Train("/proc/self/mem", TestPath("m"))), "train",
                      "cannot read '/proc/self/mem'");
  ExpectOneClearError(RunRungs(Train(::testing::TempDir(), TestPath("m"))), "train",
                      "is a directory");
}

TEST_F(Cli, EmptyInputFile) {
  WriteFile(TestPath("empty.txt"), "");
  ExpectOneClearError(RunRungs(Train(TestPath("empty.txt"), TestPath("m"))), "train", "is empty");
}

TEST_F(Cli, InputWithoutAnyLabel) {
  WriteFile(TestPath("nolabel.txt"), "some text\nmore text\n");
  ExpectOneClearError(RunRungs(Train(TestPath("nolabel.txt"), TestPath("m"))), "train",
                      "no line has a label");
}

TEST_F(Cli, UnlabelledLinesAreCountedAndReported) {
  WriteFile(TestPath("some_unlabelled.txt"),
                 SampleFastTextLines(100, 3) + "no label one\n\nno label two\n");
  RunResult run = RunRungs(Train(TestPath("some_unlabelled.txt"), TestPath("m")));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("2 lines without a label skipped"));
}

TEST_F(Cli, CsvRowWithWrongColumnCountNamesTheLine) {
  WriteFile(TestPath("ragged.csv"), "label,text\na,\"x\ny\"\nb,z,extra\n");
  ExpectOneClearError(RunRungs(Train(TestPath("ragged.csv"), TestPath("m"))), "train",
                      "ragged.csv:4: row has 3 columns, expected 2");
}

TEST_F(Cli, BadJsonLineNamesTheLine) {
  WriteFile(TestPath("bad.jsonl"), "{\"label\": \"a\", \"text\": \"x\"}\n{oops\n");
  ExpectOneClearError(RunRungs(Train(TestPath("bad.jsonl"), TestPath("m"))), "train",
                      "bad.jsonl:2: not valid JSON");
}

TEST_F(Cli, TrainsFromCsvByColumnIndexWithoutHeader) {
  RunResult run = RunRungs(Train(RUNGS_SHARED_DATA "/ag_news/test.csv", TestPath("ag"),
                                 {"--no-header", "--label-column", "0", "--text-column", "1",
                                  "--text-column", "2", "-epoch", "1"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  RunResult test = RunRungs({"test", TestPath("ag.bin"), RUNGS_SHARED_DATA "/ag_news/test.csv",
                             "--no-header", "--label-column", "0", "--text-column", "1",
                             "--text-column", "2"});
  ASSERT_EQ(test.exit_code, 0) << test.err;
  EXPECT_THAT(test.out, StartsWith("N\t7600\n"));
}

TEST_F(Cli, UnknownLoss) {
  ExpectOneClearError(RunRungs(Train(TestPath("train.txt"), TestPath("m"), {"-loss", "hinge"})),
                      "train", "hinge");
}

TEST_F(Cli, OutOfRangeArgumentsNameTheFlag) {
  for (auto [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"-dim", "0"}, {"-epoch", "0"}, {"-bucket", "-1"}, {"-lr", "-0.5"}}) {
    SCOPED_TRACE(flag);
    ExpectOneClearError(RunRungs(Train(TestPath("train.txt"), TestPath("m"), {flag, value})),
                        "train", flag);
  }
}

TEST_F(Cli, MaxnBelowMinn) {
  ExpectOneClearError(
      RunRungs(Train(TestPath("train.txt"), TestPath("m"), {"-minn", "5", "-maxn", "3"})),
      "train", "-maxn");
}

// CLI11 said "Could not convert: --dim = 99999999999": neither which command
// nor what the flag takes.
TEST_F(Cli, AValueThatDoesNotConvertIsAUsageErrorNamingWhatTheFlagTakes) {
  for (auto [flag, value, type] : {std::tuple{"bucket", "99999999999", "INT"},
                                   {"bucket", "many", "INT"},
                                   {"lr", "high", "FLOAT"}}) {
    RunResult run =
        RunRungs(Train(TestPath("train.txt"), TestPath("m"), {"-" + std::string(flag), value}));
    EXPECT_FALSE(run.signalled);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.err, StartsWith("rungs train: error: -" + std::string(flag) + ": '" + value +
                                    "' is not a valid value: it takes " + type + "\n"))
        << "the flag as typed, fastText's way";
    EXPECT_THAT(run.err, HasSubstr("Run 'rungs train --help' for more information."));
  }
  RunResult two_dashes = RunRungs(Train(TestPath("train.txt"), TestPath("m"), {"--lr", "high"}));
  EXPECT_THAT(two_dashes.err, StartsWith("rungs train: error: --lr: 'high' is not a valid value"));
  RunResult missing = RunRungs({"train", "-input", TestPath("train.txt")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, StartsWith("rungs train: error: --output is required\n"));
  RunResult help = RunRungs({"train", "--help"});
  EXPECT_EQ(help.exit_code, 0);
}

TEST_F(Cli, UnwritableOutputFailsBeforeTraining) {
  ExpectOneClearError(RunRungs(Train(TestPath("train.txt"), "/nonexistent/dir/m")), "train",
                      "cannot write '/nonexistent/dir/m.bin'");
}

TEST_F(Cli, ModelThatIsNotFastTextOrTruncated) {
  WriteFile(TestPath("not_a_model.bin"), "hello, I am text\n");
  std::string model = ReadFile(Model());
  WriteFile(TestPath("truncated.bin"), model.substr(0, model.size() / 2));
  for (std::string command : {"test", "test-label", "predict", "predict-prob"}) {
    SCOPED_TRACE(command);
    ExpectOneClearError(RunRungs({command, TestPath("not_a_model.bin"), TestPath("valid.txt")}),
                        command, "not_a_model.bin: not a fastText model");
    ExpectOneClearError(RunRungs({command, TestPath("truncated.bin"), TestPath("valid.txt")}),
                        command, "truncated.bin");
    ExpectOneClearError(RunRungs({command, TestPath("no_such_model.bin"), TestPath("valid.txt")}),
                        command,
                        "no_such_model.bin: cannot open for reading: No such file or directory");
  }
}

TEST_F(Cli, TestDataProblemsAreErrors) {
  WriteFile(TestPath("empty.txt"), "");
  ExpectOneClearError(RunRungs({"test", Model(), TestPath("empty.txt")}), "test", "is empty");
  ExpectOneClearError(RunRungs({"test", Model(), "/nonexistent/valid.txt"}), "test",
                      "cannot open");
  ExpectOneClearError(RunRungs({"test", Model(), TestPath("valid.txt"), "0"}), "test",
                      "k must be at least 1");
}

// fastText prints nothing for an empty input and exits 0; rungs said
// "'<stdin>' is empty" and exited 1.
TEST_F(Cli, PredictOnAnEmptyInputPrintsNothingLikeFastText) {
  WriteFile(TestPath("empty.txt"), "");
  for (std::string command : {"predict", "predict-prob"}) {
    for (const RunResult& run : {RunRungs({command, Model(), TestPath("empty.txt")}),
                                 RunRungs({command, Model(), "-"}, TestPath("empty.txt"))}) {
      EXPECT_EQ(run.exit_code, 0) << command << ": " << run.err;
      EXPECT_EQ(run.out, "") << command;
      EXPECT_EQ(run.err, "") << command;
    }
  }
  RunResult theirs = testing::RunProgram(kFastText, {"predict", Model(), TestPath("empty.txt")});
  EXPECT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(theirs.out, "");
}

TEST_F(Cli, TestPrintsNAndPrecisionAndRecallLikeFastText) {
  RunResult run = RunRungs({"test", Model(), TestPath("valid.txt"), "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, MatchesRegex("N\t200\nP@2\t0\\.[0-9]+\nR@2\t(0\\.[0-9]+|1)\n"));
  RunResult json = RunRungs({"test", Model(), TestPath("valid.txt"), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["N"], 200);
  EXPECT_GT(parsed["precision"].get<double>(), 0.6);  // the sample data is learnable
}

TEST_F(Cli, TestLabelPrintsOneLinePerLabel) {
  RunResult run = RunRungs({"test-label", Model(), TestPath("valid.txt")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* label : {"__label__sport", "__label__politics", "__label__science"}) {
    EXPECT_THAT(run.out, MatchesRegex("(.|\n)*F1-Score : [01]\\.[0-9]{6}  Precision : [01]\\.[0-9]{6}  "
                                      "Recall : [01]\\.[0-9]{6}   " + std::string(label) + "\n(.|\n)*"));
  }
  EXPECT_THAT(run.out, HasSubstr("N\t200\n"));
  RunResult json = RunRungs({"test-label", Model(), TestPath("valid.txt"), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  ASSERT_EQ(parsed["labels"].size(), 3u);
  int64_t gold = 0;
  for (const auto& label : parsed["labels"]) gold += label["gold"].get<int64_t>();
  EXPECT_EQ(gold, 200);
}

TEST_F(Cli, PredictReadsStdinAndPrintsOneLinePerInputLine) {
  WriteFile(TestPath("stdin.txt"), "spo1 spo2 spo3\n\nsci4 sci5\n");
  RunResult run = RunRungs({"predict-prob", Model(), "-", "2"}, TestPath("stdin.txt"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, MatchesRegex("__label__sport 0\\.[0-9]+ __label__[a-z]+ 0\\.[0-9e-]+\n"
                                    "__label__[a-z]+ [0-9.e-]+ __label__[a-z]+ [0-9.e-]+\n"
                                    "__label__science 0\\.[0-9]+ __label__[a-z]+ 0\\.[0-9e-]+\n"));
  RunResult none = RunRungs({"predict", Model(), "-", "1", "1.01"}, TestPath("stdin.txt"));
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "\n\n\n");  // no label reaches the threshold: empty lines, as fastText
}

// A model rungs trains records whether it normalized: test and predict
// apply that by themselves, refuse --normalize for a model trained on text as
// it is, and take --normalize as given for a model that records nothing
// (fastText's own, or rungs' before the record).
TEST_F(Cli, ModelsRecordTheirNormalizationAndTheFlagOnlyServesModelsWithoutARecord) {
  WriteFile(TestPath("raw_train.txt"), SampleRawFastTextLines(600, 3));
  WriteFile(TestPath("raw_valid.txt"), SampleRawFastTextLines(200, 4));
  ASSERT_EQ(RunRungs(Train(TestPath("raw_train.txt"), TestPath("norm"),
                           {"--normalize", "-lr", "1", "-epoch", "10"}))
                .exit_code,
            0);
  const std::string norm = TestPath("norm.bin");
  const std::string bytes = ReadFile(norm);
  ASSERT_NE(bytes.rfind("RUNGSTRL"), std::string::npos);
  WriteFile(TestPath("legacy.bin"), bytes.substr(0, bytes.rfind("RUNGSTRL")));
  const std::string legacy = TestPath("legacy.bin");

  for (std::string command : {"test", "test-label", "predict", "predict-prob"}) {
    SCOPED_TRACE(command);
    RunResult applied = RunRungs({command, norm, TestPath("raw_valid.txt")});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    RunResult redundant = RunRungs({command, norm, TestPath("raw_valid.txt"), "--normalize"});
    EXPECT_EQ(redundant.exit_code, 0) << redundant.err;
    EXPECT_EQ(redundant.out, applied.out);
    RunResult flagged = RunRungs({command, legacy, TestPath("raw_valid.txt"), "--normalize"});
    EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
    EXPECT_EQ(flagged.out, applied.out);
    RunResult unflagged = RunRungs({command, legacy, TestPath("raw_valid.txt")});
    EXPECT_EQ(unflagged.exit_code, 0) << unflagged.err;
    EXPECT_NE(unflagged.out, applied.out);  // the raw text, as the user asked
    ExpectOneClearError(RunRungs({command, Model(), TestPath("valid.txt"), "--normalize"}), command,
                        "--normalize: " + Model() + " records that it was trained on text as it is");
  }
}

TEST_F(Cli, NormalizeWritesLabelsThenNormalizedWordsAsFastTextLines) {
  WriteFile(TestPath("raw.txt"), "__label__a Hello, World!\n\nText __label__B (More)\n");
  RunResult run = RunRungs({"normalize"}, TestPath("raw.txt"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "__label__a hello , world !\n\n__label__B text ( more )\n");
  WriteFile(TestPath("raw.csv"), "label,text\nPos,\"Great, really!\"\n,No Label\n");
  RunResult csv = RunRungs({"normalize", TestPath("raw.csv")});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "__label__Pos great , really !\nno label\n");
}

TEST_F(Cli, NormalizeRefusesAWordFastTextWouldTakeForALabel) {
  WriteFile(TestPath("prefix.csv"), "label,text\nx,fine words\ny,Labelled text\n");
  ExpectOneClearError(RunRungs({"normalize", TestPath("prefix.csv"), "-label", "label"}), "normalize",
                      "prefix.csv:3: the word 'labelled' starts with the label prefix 'label'");
  ExpectOneClearError(RunRungs({"normalize", TestPath("no_such.txt")}), "normalize", "no_such.txt");
}

}  // namespace
}  // namespace rungs::cli
