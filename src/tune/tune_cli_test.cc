// rungs tune end to end, through the built binary as a user runs it: the
// outputs, fastText loading best.bin, resume after kill -9, and bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <algorithm>
#include <functional>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "driver/failure_watch.h"
#include "driver/run_budget.h"
#include "store/journal.h"
#include "store/request_inbox.h"
#include "testing/files.h"
#include "testing/finished_events.h"
#include "testing/run_program.h"
#include "testing/sample_data.h"
#include "testing/spaces.h"
#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::tune {
namespace {

using testing::FinishedDetails;
using testing::ReadFile;
using testing::RunProgram;
using testing::RunRungs;
using testing::WriteFile;

namespace fs = std::filesystem;

// A separable three-label corpus in fastText format.
std::string Corpus(int lines, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const char* labels[] = {"sports", "tech", "food"};
  std::string text;
  for (int i = 0; i < lines; ++i) {
    int l = static_cast<int>(rng() % 3);
    text += std::string("__label__") + labels[l];
    for (int w = 0; w < 12; ++w) {
      text += " " + std::string(rng() % 3 == 0 ? "w" : labels[l]) + std::to_string(rng() % 30);
    }
    text += "\n";
  }
  return text;
}

// A corpus with `vocabulary` distinct noise words, so that models are large.
std::string WideCorpus(int lines, int vocabulary, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const char* labels[] = {"sports", "tech", "food"};
  std::string text;
  for (int i = 0; i < lines; ++i) {
    int l = static_cast<int>(rng() % 3);
    text += std::string("__label__") + labels[l];
    for (int w = 0; w < 12; ++w) {
      text += " " + (rng() % 3 == 0 ? "w" + std::to_string(rng() % vocabulary)
                                    : labels[l] + std::to_string(rng() % 30));
    }
    text += "\n";
  }
  return text;
}

// Files in `dir` whose names contain `part`.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& part) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().find(part) != std::string::npos) {
      found.push_back(entry.path().filename().string());
    }
  }
  return found;
}

class TuneCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    WriteFile(Path("train.txt"), Corpus(900, 1));
    WriteFile(Path("test.txt"), Corpus(300, 2));
    WriteFile(Path("space.toml"), testing::kTinySpaceToml);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `rungs ARGS` (their --out is out/) and kills it with SIGKILL once
  // `results` results are committed; returns how many were (0 when the run
  // ended by itself first: a failure is recorded).
  uint64_t KillOnceResultsAreCommitted(std::vector<std::string> args, uint64_t results) {
    pid_t pid = testing::StartProgram(RUNGS_BINARY, args, Path("stdout"), Path("stderr"));
    EXPECT_GT(pid, 0);
    if (pid <= 0) return 0;
    uint64_t committed = 0;
    for (int i = 0; i < 600 && committed < results; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!fs::exists(Path("out/journal.sqlite"))) continue;
      auto journal = store::Journal::Open(Path("out/journal.sqlite"));
      if (journal.ok()) committed = journal->Summary()->results;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
    return WIFSIGNALED(status) ? committed : 0;
  }

  std::vector<std::string> TuneArgs(const std::string& out, int budget_epochs) const {
    return {"tune", "--train", Path("train.txt"), "--test", Path("test.txt"), "--space",
            Path("space.toml"), "--budget-epochs", std::to_string(budget_epochs), "--workers", "2",
            "--max-epochs", "9", "--out", Path(out), "--quiet"};
  }

  fs::path dir_;
};

TEST_F(TuneCli, WritesEveryOutputAndFastTextLoadsTheBestModel) {
  testing::RunResult run = RunRungs(TuneArgs("out", 80));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* file : {"journal.sqlite", "best.bin", "best.toml", "best.json", "trials.csv", "report.html"}) {
    EXPECT_TRUE(fs::exists(Path("out/") + file)) << file;
  }
  EXPECT_NE(run.out.find("best validation accuracy"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("test accuracy"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\npreprocessing: none (text is used as it is)\n"), std::string::npos) << run.out;

  // fastText itself loads best.bin and predicts what rungs predicts.
  testing::RunResult theirs = RunProgram(testing::kFastText, {"predict", Path("out/best.bin"), Path("test.txt")});
  testing::RunResult ours = RunRungs({"predict", Path("out/best.bin"), Path("test.txt")});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(theirs.out, ours.out);

  // The corpus is separable: the search must find a good model.
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("out/best.json")));
  EXPECT_GT(best["value"].get<double>(), 0.9);
  EXPECT_EQ(best["epochs"].get<int>(), 9);

  // Every job in trials.csv has an outcome and the budget held.
  std::istringstream csv(ReadFile(Path("out/trials.csv")));
  std::string line;
  std::getline(csv, line);
  int64_t epochs = 0;
  while (std::getline(csv, line)) {
    EXPECT_EQ(line.find(",running,"), std::string::npos) << line;
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    epochs += std::stoll(cells.at(11));
  }
  EXPECT_LE(epochs, 80);
  EXPECT_GT(epochs, 40);
}

// With normalization chosen, best.bin records it: the test accuracy the tune
// prints is what `rungs test best.bin` gets from the raw test file without a
// flag, and what fastText 0.9.2 gets from it through `rungs normalize`; the
// summary, best.json, best.toml and the report say so.
TEST_F(TuneCli, BestModelCarriesItsNormalizationToRungsAndFastText) {
  WriteFile(Path("raw_train.txt"), testing::SampleRawFastTextLines(900, 5));
  WriteFile(Path("raw_test.txt"), testing::SampleRawFastTextLines(300, 6));
  WriteFile(Path("space.toml"),
                 std::string(testing::kTinySpaceToml) + "[params.normalize]\ntype = \"fixed\"\nvalue = true\n");
  testing::RunResult run = RunRungs({"tune", "--train", Path("raw_train.txt"), "--test", Path("raw_test.txt"),
                                 "--space", Path("space.toml"), "--budget-epochs", "40", "--workers", "2",
                                 "--max-epochs", "9", "--out", Path("out"), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\npreprocessing: normalize (lowercase ASCII, punctuation split off); "
                         "for fastText: rungs normalize < in > out\n"),
            std::string::npos)
      << run.out;
  const size_t at = run.out.find("test accuracy ");
  ASSERT_NE(at, std::string::npos) << run.out;
  const double printed = std::stod(run.out.substr(at + 14));
  EXPECT_LT(printed, 1.0) << "the data has noise, so the comparisons below can fail";

  // rungs, from the raw file and without --normalize, and fastText, from the
  // normalized file, print the same N, P@1 and R@1.
  const std::string best = Path("out/best.bin");
  testing::RunResult ours = RunRungs({"test", best, Path("raw_test.txt")});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  testing::RunResult clean = RunRungs({"normalize", Path("raw_test.txt")});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  WriteFile(Path("clean_test.txt"), clean.out);
  testing::RunResult theirs = RunProgram(testing::kFastText, {"test", best, Path("clean_test.txt")});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_NE(RunProgram(testing::kFastText, {"test", best, Path("raw_test.txt")}).out, theirs.out)
      << "normalization must matter here";
  // fastText prints three digits; its Python binding gives the exact P@1,
  // which the tune printed to four decimals.
  WriteFile(Path("p1.py"), "import sys, fasttext\n"
                                "n, p, r = fasttext.load_model(sys.argv[1]).test(sys.argv[2])\n"
                                "print(repr(p))\n");
  testing::RunResult exact = RunProgram("/usr/bin/python3", {Path("p1.py"), best, Path("clean_test.txt")});
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  EXPECT_NEAR(std::stod(exact.out), printed, 0.00005) << exact.out;
  char p1[32];
  std::snprintf(p1, sizeof p1, "P@1\t%.3g\n", std::stod(exact.out));
  EXPECT_NE(theirs.out.find(p1), std::string::npos) << theirs.out;

  nlohmann::json best_json = nlohmann::json::parse(ReadFile(Path("out/best.json")));
  EXPECT_EQ(best_json["preprocessing"]["name"], "normalize");
  EXPECT_NE(best_json["preprocessing"]["description"].get<std::string>().find("rungs normalize < in > out"),
            std::string::npos);
  EXPECT_NE(ReadFile(Path("out/best.toml")).find("\npreprocessing = \"normalize\"\n"), std::string::npos);
  EXPECT_NE(ReadFile(Path("out/report.html")).find("punctuation split off"), std::string::npos);

  // The JSON summary (here of a resumed, finished run) names it too.
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const std::string last = resumed.out.substr(resumed.out.rfind('\n', resumed.out.size() - 2) + 1);
  EXPECT_EQ(nlohmann::json::parse(last)["preprocessing"], "normalize") << last;
}

TEST_F(TuneCli, EveryRunJournalsFinishedOnce) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 20)).exit_code, 0);
  std::vector<std::string> details = FinishedDetails(Path("out/journal.sqlite"));
  ASSERT_EQ(details.size(), 1u);
  // The noise scale the best trial was chosen with (tune/best_choice.h), so
  // `rungs report` chooses the same: a tenth of the 900 rows validate.
  EXPECT_EQ(nlohmann::json::parse(details[0])["validation_rows"], 90) << details[0];
  // A resume with the budget spent searches nothing: the finished run's
  // outputs stay as they were, and no second end is journaled.
  const std::string model = ReadFile(Path("out/best.bin"));
  const auto written = fs::last_write_time(Path("out/best.bin"));
  testing::RunResult again = RunRungs({"tune", "--resume", Path("out")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing more to search: the outputs of the finished run are kept"),
            std::string::npos) << again.out;
  EXPECT_NE(again.out.find("best validation accuracy"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(Path("out/best.bin")), written);
  EXPECT_EQ(ReadFile(Path("out/best.bin")), model);
  EXPECT_EQ(FinishedDetails(Path("out/journal.sqlite")).size(), 1u);

  // A larger budget searches on: one more run, one more end.
  testing::RunResult resumed =
      RunRungs({"tune", "--resume", Path("out"), "--budget-epochs", "40", "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(FinishedDetails(Path("out/journal.sqlite")).size(), 2u) << "one per run";
}

// A resume of a finished run kept its outputs with best.bin gone: a comment
// had swallowed the line that listed best.bin among the outputs to check.
TEST_F(TuneCli, AResumeOfAFinishedRunRemakesAMissingBestModel) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 20)).exit_code, 0);
  fs::remove(Path("out/best.bin"));
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.out.find("the outputs of the finished run are kept"), std::string::npos)
      << resumed.out;
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
}

TEST_F(TuneCli, ReportRebuiltFromTheJournalIsTheRunsOwn) {
  testing::RunResult run = RunRungs(TuneArgs("out", 40));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string report = ReadFile(Path("out/report.html"));
  for (const char* line : {"test accuracy", "trials / jobs", "stopped because"}) {
    EXPECT_NE(report.find(line), std::string::npos) << line;
  }
  fs::remove(Path("out/report.html"));
  testing::RunResult rebuilt = RunRungs({"report", Path("out")});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_EQ(ReadFile(Path("out/report.html")), report);
}

// A journal cut short, with a page overwritten, or with a row that does not
// decode: `rungs report` refuses naming the damage, and the outputs the run
// wrote stay as they were.
TEST_F(TuneCli, ReportRefusesADamagedJournalAndKeepsTheOldReport) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 40)).exit_code, 0);
  const std::string journal_path = Path("out/journal.sqlite");
  ASSERT_FALSE(fs::exists(journal_path + "-wal")) << "the journal is one file once closed";
  const std::string journal = ReadFile(journal_path);
  const std::string report = ReadFile(Path("out/report.html"));
  const std::string trials = ReadFile(Path("out/trials.csv"));
  ASSERT_GT(journal.size(), 4u * 4096);

  std::string overwritten = journal;
  for (size_t i = 2 * 4096; i < 4 * 4096; ++i) overwritten[i] = static_cast<char>(0x5A);
  struct Damage {
    const char* name;
    std::string bytes;
    const char* message;
  };
  for (const Damage& damage : {Damage{"truncated", journal.substr(0, journal.size() / 2), "journal.sqlite"},
                               Damage{"overwritten", overwritten, "journal.sqlite is damaged"}}) {
    WriteFile(journal_path, damage.bytes);
    testing::RunResult run = RunRungs({"report", Path("out")});
    EXPECT_EQ(run.exit_code, 1) << damage.name;
    EXPECT_NE(run.err.find(damage.message), std::string::npos) << damage.name << ": " << run.err;
    EXPECT_NE(run.err.find("the report was not rebuilt"), std::string::npos) << damage.name << ": " << run.err;
    EXPECT_EQ(ReadFile(Path("out/report.html")), report) << damage.name;
    EXPECT_EQ(ReadFile(Path("out/trials.csv")), trials) << damage.name;
  }

  // Intact to SQLite, but a result row that is not a result.
  WriteFile(journal_path, journal);
  {
    auto db = store::Database::Open(journal_path, store::Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.message();
    ASSERT_TRUE(db->Execute("UPDATE results SET result = '{\"job\": \"seven\"}' "
                            "WHERE seq = (SELECT min(seq) FROM results)").ok());
  }
  testing::RunResult run = RunRungs({"report", Path("out")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("journal.sqlite: results seq "), std::string::npos) << run.err;
  EXPECT_EQ(ReadFile(Path("out/report.html")), report);
}

TEST_F(TuneCli, ResumeSearchesTheJournaledSpaceNotTheEditedSpaceFile) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 30)).exit_code, 0);
  // The user edits the space file after the run: the journal still holds
  // the space that was searched, and resuming must replay that one.
  WriteFile(Path("space.toml"), "[params.lr]\ntype = \"float\"\nmin = 0.5\nmax = 0.9\n");
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("best validation accuracy"), std::string::npos) << resumed.out;
}

// A resume onto an edited data file trained new trials on other data than
// the journaled ones and ranked them together, saying nothing.
TEST_F(TuneCli, ResumeRefusesADataFileChangedSinceTheRunStarted) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 10)).exit_code, 0);
  // A larger budget: the resume would search on.
  const std::vector<std::string> resume = {"tune", "--resume", Path("out"), "--budget-epochs",
                                           "20", "--quiet"};
  const std::string train = ReadFile(Path("train.txt"));
  const std::string changed = "--resume " + Path("out") + ": --train " + Path("train.txt") +
                              " changed since the run started (";
  const std::string advice = "); the journaled trials were trained on the old file: restore it, "
                             "or start a new run with another --out";

  WriteFile(Path("train.txt"), train + "__label__food food1\n");
  testing::RunResult longer = RunRungs(resume);
  EXPECT_EQ(longer.exit_code, 1);
  EXPECT_NE(longer.err.find(changed + "size " + std::to_string(train.size()) + " -> " +
                            std::to_string(train.size() + 20) + " bytes" + advice),
            std::string::npos)
      << longer.err;

  std::string edited = train;
  edited[train.size() / 2] = edited[train.size() / 2] == '\n' ? '\n' : '\t';
  edited[train.size() / 2 + 1] = edited[train.size() / 2 + 1] == '\n' ? '\n' : '\t';
  WriteFile(Path("train.txt"), edited);
  testing::RunResult same_size = RunRungs(resume);
  EXPECT_EQ(same_size.exit_code, 1);
  EXPECT_NE(same_size.err.find(changed + "same size, but its first or last 64 KB differ" + advice),
            std::string::npos)
      << same_size.err;

  // The old bytes again, at a new time: only the user can tell, and is told how.
  WriteFile(Path("train.txt"), train);
  testing::RunResult restored = RunRungs(resume);
  EXPECT_EQ(restored.exit_code, 1);
  const size_t touch = restored.err.find("`touch -d @");
  ASSERT_NE(touch, std::string::npos) << restored.err;
  EXPECT_NE(restored.err.find(changed + "same size and ends, but modified at "), std::string::npos)
      << restored.err;
  int status = 0;
  testing::RunCommand(restored.err.substr(touch + 1, restored.err.find('`', touch + 1) - touch - 1),
                      status);
  ASSERT_EQ(status, 0);
  testing::RunResult resumed = RunRungs(resume);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;

  // An experiment made before the record is resumed unchecked.
  fs::remove(Path("out/data-files.json"));
  WriteFile(Path("train.txt"), train + "__label__food food1\n");
  testing::RunResult unrecorded = RunRungs(resume);
  EXPECT_EQ(unrecorded.exit_code, 0) << unrecorded.err;
}

// A resume of a finished run with its budget spent was refused for a
// changed data file, though it would search nothing, and read the whole
// data set before it found that out.
TEST_F(TuneCli, AResumeWithNothingToSearchKeepsTheOutputsAndNotesChangedData) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 10)).exit_code, 0);
  const std::string model = ReadFile(Path("out/best.bin"));
  const std::string train = ReadFile(Path("train.txt"));
  WriteFile(Path("train.txt"), train + "__label__food food1\n");
  testing::RunResult changed = RunRungs({"tune", "--resume", Path("out")});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.out.find("nothing more to search: the outputs of the finished run are kept"),
            std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("note: the kept outputs were made from the data as it was: --train " +
                             Path("train.txt") + " changed since the run started (size"),
            std::string::npos) << changed.out;
  EXPECT_EQ(ReadFile(Path("out/best.bin")), model);

  // The data is not read at all: gone, it is only noted.
  fs::remove(Path("train.txt"));
  testing::RunResult gone = RunRungs({"tune", "--resume", Path("out"), "--json"});
  ASSERT_EQ(gone.exit_code, 0) << gone.err;
  const std::string last = gone.out.substr(gone.out.rfind('\n', gone.out.size() - 2) + 1);
  const nlohmann::json summary = nlohmann::json::parse(last);
  EXPECT_EQ(summary["kept_outputs"], true) << last;
  EXPECT_EQ(summary["data_changed"], "--train " + Path("train.txt") + ": no such file") << last;
}

// experiment.json kept data/train.txt as typed, so a resume from another
// folder read another file, or none.
TEST_F(TuneCli, ResumeFromAnotherFolderReadsTheFilesTheRunRead) {
  fs::create_directories(Path("data"));
  fs::copy_file(Path("train.txt"), Path("data/train.txt"));
  fs::copy_file(Path("test.txt"), Path("data/test.txt"));
  const std::string relative_run =
      "cd '" + dir_.string() + "' && exec \"$0\" tune --train data/train.txt --test "
      "data/test.txt --space space.toml --budget-epochs 10 --workers 2 --max-epochs 9 --out out "
      "--quiet";
  testing::RunResult run = RunProgram("/bin/sh", {"-c", relative_run, RUNGS_BINARY});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json saved = nlohmann::json::parse(ReadFile(Path("out/experiment.json")));
  EXPECT_EQ(saved["train"], Path("data/train.txt"));
  EXPECT_EQ(saved["test"], Path("data/test.txt"));

  const std::string elsewhere = "cd / && exec \"$0\" tune --resume '" + Path("out") +
                                "' --budget-epochs 20 --quiet";
  testing::RunResult resumed = RunProgram("/bin/sh", {"-c", elsewhere, RUNGS_BINARY});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("test accuracy"), std::string::npos) << resumed.out;
}

TEST_F(TuneCli, RefusesAnOutputFolderThatHoldsAnotherExperiment) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 10)).exit_code, 0);
  testing::RunResult again = RunRungs(TuneArgs("out", 10));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("holds another experiment"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
}

// A full disk, made real by a file size limit (prlimit --fsize: writes past
// it fail with EFBIG as they fail with ENOSPC on a full disk): the journal
// fits, best.bin (2.5 MB) does not. The run fails naming best.bin and the
// bytes it needs, leaves no half-written file, and --resume finishes once
// there is room; a later failure leaves the earlier outputs as they were.
TEST_F(TuneCli, AFullDiskKeepsEarlierOutputsAndResumeFinishesOnceThereIsRoom) {
  WriteFile(Path("train.txt"), WideCorpus(900, 3000, 1));
  WriteFile(Path("space.toml"), "[params.lr]\ntype = \"float\"\nmin = 0.05\nmax = 1.0\n"
                                     "[params.dim]\ntype = \"fixed\"\nvalue = 300\n");
  const std::vector<std::string> limit = {"--fsize=1000000", RUNGS_BINARY};
  std::vector<std::string> limited = limit;
  for (const std::string& arg : TuneArgs("out", 40)) limited.push_back(arg);
  testing::RunResult full = RunProgram("/usr/bin/prlimit", limited);
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_NE(full.err.find("cannot write " + Path("out/best.bin") + ": "), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(" bytes needed"), std::string::npos) << full.err;
  EXPECT_FALSE(fs::exists(Path("out/best.bin")));
  EXPECT_EQ(FilesContaining(Path("out"), ".tmp"), std::vector<std::string>{});

  // Room again: resuming writes every output.
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const std::string model = ReadFile(Path("out/best.bin"));
  const std::string report = ReadFile(Path("out/report.html"));
  ASSERT_GT(model.size(), 1000000u) << "the model must not fit under the limit";

  // Full again, with the end asked for again (--cross-check): the good
  // outputs stay as they were.
  std::vector<std::string> again = limit;
  for (const char* arg : {"tune", "--resume", "", "--cross-check", "3", "--quiet"}) again.push_back(arg);
  again[again.size() - 4] = Path("out");
  testing::RunResult refused = RunProgram("/usr/bin/prlimit", again);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("best.bin"), std::string::npos) << refused.err;
  EXPECT_EQ(ReadFile(Path("out/best.bin")), model);
  EXPECT_EQ(ReadFile(Path("out/report.html")), report);
  EXPECT_EQ(FilesContaining(Path("out"), ".tmp"), std::vector<std::string>{});
}

// The journal itself on a full disk: a file size limit (as above) that the
// journal outgrows during the search. The run fails naming the journal and
// what ran out, every result committed before stays, and --resume finishes
// once there is room.
TEST_F(TuneCli, AFullDiskUnderTheJournalNamesItAndKeepsWhatWasCommitted) {
  std::vector<std::string> limited = {"--fsize=200000", RUNGS_BINARY};
  for (const std::string& arg : TuneArgs("out", 400)) limited.push_back(arg);
  testing::RunResult full = RunProgram("/usr/bin/prlimit", limited);
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_NE(full.err.find(Path("out/journal.sqlite") + ": "), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("the file size limit of 200000 bytes (ulimit -f) is reached"),
            std::string::npos) << full.err;
  EXPECT_NE(full.err.find("what was committed before is intact"), std::string::npos) << full.err;
  uint64_t before = 0;
  {
    auto journal = store::Journal::Open(Path("out/journal.sqlite"));
    ASSERT_TRUE(journal.ok()) << journal.message();
    before = journal->Summary()->results;
  }
  EXPECT_GT(before, 0u) << "the limit must be reached during the search";

  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto journal = store::Journal::Open(Path("out/journal.sqlite"));
  ASSERT_TRUE(journal.ok()) << journal.message();
  std::set<uint64_t> jobs, results;
  Status read = journal->Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kJob) jobs.insert(e.job.id);
    if (e.kind == store::JournalEntry::Kind::kResult) results.insert(e.result.job);
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_GT(results.size(), before);
  EXPECT_EQ(results, jobs) << "every started job has exactly one result";
}

// Starts `rungs tune` with `args` without waiting for it, its stdout and
// stderr going to the files named.
pid_t StartRungs(std::vector<std::string> args, const std::string& out = "/dev/null",
                 const std::string& err = "/dev/null") {
  return testing::StartProgram(RUNGS_BINARY, args, out, err);
}

// Waits until the journal at `path` holds at least `results` results.
uint64_t WaitForResults(const std::string& path, uint64_t results) {
  uint64_t seen = 0;
  for (int i = 0; i < 1200 && seen < results; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(path)) continue;
    auto journal = store::Journal::Open(path);
    if (journal.ok()) seen = journal->Summary()->results;
  }
  return seen;
}

// Two real processes: while a run uses its folder, a second run on it, fresh
// or --resume, is refused naming the first one's pid, and the first run goes
// on unharmed.
TEST_F(TuneCli, ASecondRunOnAFolderInUseIsRefusedNamingThePid) {
  WriteFile(Path("train.txt"), Corpus(6000, 3));
  pid_t first = StartRungs(TuneArgs("out", 200));
  ASSERT_GT(first, 0);
  ASSERT_GE(WaitForResults(Path("out/journal.sqlite"), 1), 1u);
  const std::string in_use = Path("out") + " is in use by pid " + std::to_string(first);
  testing::RunResult fresh = RunRungs(TuneArgs("out", 200));
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  int status = 0;
  ASSERT_EQ(::waitpid(first, &status, 0), first);
  EXPECT_EQ(fresh.exit_code, 1);
  EXPECT_NE(fresh.err.find(in_use), std::string::npos) << fresh.err;
  EXPECT_EQ(resumed.exit_code, 1);
  EXPECT_NE(resumed.err.find(in_use), std::string::npos) << resumed.err;
  ASSERT_TRUE(WIFEXITED(status)) << "the first run was killed";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the first run failed";
  EXPECT_EQ(FinishedDetails(Path("out/journal.sqlite")).size(), 1u) << "only the first run ran";
  // The lock ends with its holder.
  testing::RunResult after = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
}

TEST_F(TuneCli, RefusesAnOutputFolderWithOtherFiles) {
  fs::create_directories(Path("mine"));
  WriteFile(Path("mine/trials.csv"), "my own table\n");
  testing::RunResult run = RunRungs(TuneArgs("mine", 10));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("is not empty and holds no rungs experiment (it has trials.csv)"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(ReadFile(Path("mine/trials.csv")), "my own table\n");
  EXPECT_FALSE(fs::exists(Path("mine/journal.sqlite")));
  // An empty folder is fine.
  fs::create_directories(Path("empty"));
  EXPECT_EQ(RunRungs(TuneArgs("empty", 10)).exit_code, 0);
}

// What a creation killed before the journal is in place leaves (the spec, a
// half-built journal, a temporary file) is no experiment: --resume says so,
// and a fresh run takes the folder over.
TEST_F(TuneCli, AnInterruptedCreationIsNoExperimentAndAFreshRunTakesItOver) {
  fs::create_directories(Path("out"));
  ASSERT_EQ(RunRungs(TuneArgs("model", 10)).exit_code, 0);
  fs::copy_file(Path("model/experiment.json"), Path("out/experiment.json"));
  fs::copy_file(Path("model/data-files.json"), Path("out/data-files.json"));
  WriteFile(Path("out/journal.sqlite.creating"), "SQLite format 3\0 cut short");
  WriteFile(Path("out/experiment.json.tmp.99999"), "{\"train\":");
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  EXPECT_EQ(resumed.exit_code, 1);
  EXPECT_NE(resumed.err.find("holds no rungs experiment: its creation was interrupted"),
            std::string::npos)
      << resumed.err;
  EXPECT_NE(resumed.err.find("--out " + Path("out")), std::string::npos) << resumed.err;
  testing::RunResult fresh = RunRungs(TuneArgs("out", 10));
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_FALSE(fs::exists(Path("out/journal.sqlite.creating")));
  EXPECT_EQ(RunRungs({"tune", "--resume", Path("out"), "--quiet"}).exit_code, 0);
}

// Real kills at moments spread over a run's start: whatever the moment,
// the folder afterwards is a resumable experiment or no experiment, which a
// fresh run then takes over.
TEST_F(TuneCli, AKillWhileCreatingLeavesAResumableExperimentOrNone) {
  int resumable = 0, none = 0;
  for (int i = 0; i < 12; ++i) {
    const std::string out = "kill" + std::to_string(i);
    pid_t pid = StartRungs(TuneArgs(out, 10));
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(25 * i));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    testing::RunResult resumed = RunRungs({"tune", "--resume", Path(out), "--quiet"});
    if (resumed.exit_code == 0) {
      ++resumable;
      continue;
    }
    ++none;
    EXPECT_EQ(resumed.exit_code, 1);
    EXPECT_NE(resumed.err.find("holds no rungs experiment"), std::string::npos) << resumed.err;
    testing::RunResult fresh = RunRungs(TuneArgs(out, 10));
    EXPECT_EQ(fresh.exit_code, 0) << "kill " << i << ": " << fresh.err;
  }
  std::printf("kills: %d left a resumable experiment, %d none\n", resumable, none);
}

// Waits until the file at `path` contains `text`; false if it never does.
bool WaitForText(const std::string& path, const std::string& text) {
  for (int i = 0; i < 3000; ++i) {
    if (ReadFile(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Real SIGINTs to a real run. The first says at once that the running jobs
// are being finished and how to abandon them, and the run ends "stopped by
// the user"; a second one abandons them at once, and --resume continues.
// SIGTERM (timeout, docker stop, systemd) stops a run as Ctrl-C does; it
// used to end it at once (exit 143) with no best.bin, summary or report.
TEST_F(TuneCli, CtrlCOrSigtermSaysWhatItDoesAndTheRunEndsStoppedByTheUser) {
  WriteFile(Path("train.txt"), Corpus(20000, 3));
  const std::string out = Path("stdout.txt"), err = Path("stderr.txt");
  int status = 0;
  for (int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal == SIGINT ? "SIGINT" : "SIGTERM");
    const std::string dir = signal == SIGINT ? "out" : "termed";
    std::vector<std::string> args = TuneArgs(dir, 2000);
    args.pop_back();  // not --quiet: the summary is printed
    pid_t pid = StartRungs(args, out, err);
    ASSERT_GT(pid, 0);
    ASSERT_GE(WaitForResults(Path(dir + "/journal.sqlite"), 1), 1u);
    ::kill(pid, signal);
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0) << ReadFile(err);
    EXPECT_NE(ReadFile(err).find("rungs tune: stopping: finishing "), std::string::npos) << ReadFile(err);
    EXPECT_NE(ReadFile(err).find("press Ctrl-C again to abandon"), std::string::npos) << ReadFile(err);
    EXPECT_NE(ReadFile(out).find("(stopped by the user)\n"), std::string::npos) << ReadFile(out);
    std::vector<std::string> finished = FinishedDetails(Path(dir + "/journal.sqlite"));
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_NE(finished[0].find("stop requested"), std::string::npos) << finished[0];
    EXPECT_TRUE(fs::exists(Path(dir + "/best.bin")));
    EXPECT_NE(ReadFile(Path(dir + "/report.html")).find("stopped by the user"), std::string::npos);
  }

  // Twice: the second Ctrl-C, once the first is taken, ends the run at once.
  pid_t pid = StartRungs(TuneArgs("twice", 2000), out, err);
  ASSERT_GT(pid, 0);
  ASSERT_GE(WaitForResults(Path("twice/journal.sqlite"), 1), 1u);
  ::kill(pid, SIGINT);
  ASSERT_TRUE(WaitForText(err, "stopping: finishing ")) << ReadFile(err);
  ::kill(pid, SIGINT);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << "the run ended before the second Ctrl-C: " << ReadFile(err);
  EXPECT_NE(ReadFile(err).find("the running jobs are abandoned (--resume continues)"), std::string::npos)
      << ReadFile(err);
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("twice"), "--quiet"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
}

// A program that crashes for large learning rates, under a wall budget that
// ends while jobs run: the summary and report.html count the failures by
// kind, and the jobs in flight at the end are recorded as abandoned.
TEST_F(TuneCli, FailuresAreCountedByKindAndJobsCutByTheBudgetAreAbandoned) {
  WriteFile(Path("space.toml"), "[params.lr]\ntype = \"float\"\nmin = 0.1\nmax = 1.0\n");
  WriteFile(Path("trainer.py"),
                 "import sys, time\n"
                 "lr, start, end = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])\n"
                 "if lr > 0.6:\n    sys.exit(3)\n"
                 "for epoch in range(start + 1, end + 1):\n"
                 "    time.sleep(0.2 if epoch <= 3 else 2)\n"
                 "    print(f'rungs-metric epoch={epoch} value={lr}', flush=True)\n");
  // Epochs past the third take 2 s each, so a promotion to 9 epochs (the
  // first starts within about a second) is surely still running when the
  // budget ends: with 0.2 s epochs throughout, a job sometimes ended just
  // as the budget did and nothing was cut.
  testing::RunResult run = RunRungs(
      {"tune", "--space", Path("space.toml"), "--out", Path("out"), "--budget-seconds", "4",
       "--min-epochs", "1", "--max-epochs", "27", "--workers", "2", "--quiet", "--command",
       "/usr/bin/python3 " + Path("trainer.py") + " {lr} {epochs_from} {epochs_to}"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const size_t line = run.out.find("jobs not finished ok: ");
  ASSERT_NE(line, std::string::npos) << run.out;
  const std::string counts = run.out.substr(line, run.out.find('\n', line) - line);
  EXPECT_NE(counts.find(" crash"), std::string::npos) << counts;
  EXPECT_NE(counts.find(" abandoned"), std::string::npos) << counts;
  const std::string report = ReadFile(Path("out/report.html"));
  EXPECT_NE(report.find("jobs not finished ok"), std::string::npos);
  EXPECT_NE(report.find(" crash"), std::string::npos);
  const std::string trials = ReadFile(Path("out/trials.csv"));
  EXPECT_NE(trials.find(",abandoned,"), std::string::npos) << trials;
  EXPECT_EQ(trials.find(",timeout,"), std::string::npos) << trials;
  EXPECT_EQ(trials.find(",running,"), std::string::npos) << trials;
}

TEST_F(TuneCli, ResumesAfterKill9WithoutLosingOrDoublingResults) {
  WriteFile(Path("train.txt"), Corpus(6000, 3));
  const uint64_t before = KillOnceResultsAreCommitted(TuneArgs("out", 300), 5);
  ASSERT_GE(before, 5u);

  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto journal = store::Journal::Open(Path("out/journal.sqlite"));
  ASSERT_TRUE(journal.ok()) << journal.message();
  std::set<uint64_t> jobs, results;
  int64_t epochs = 0;
  Status read = journal->Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kJob) jobs.insert(e.job.id);
    if (e.kind == store::JournalEntry::Kind::kResult) {
      EXPECT_TRUE(results.insert(e.result.job).second) << "job " << e.result.job << " counted twice";
      epochs += e.result.epochs_trained;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_GE(results.size(), before);
  EXPECT_EQ(results, jobs) << "every started job has exactly one result";
  // Redone jobs lost their checkpoints, so a few promotions retrain: allow one top-rung job.
  EXPECT_LE(epochs, 300 + 9);
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
  EXPECT_NE(resumed.out.find("best validation accuracy"), std::string::npos) << resumed.out;
}

// The rows of trials.csv after its header, as cells (quoted fields unquoted;
// no field of these runs holds a line break).
std::vector<std::vector<std::string>> CsvRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream csv(text);
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.emplace_back();
      } else {
        cells.back() += c;
      }
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST_F(TuneCli, RefusesConfigurationsBeyondTheMemoryBudgetAndGoesOn) {
  // Bigrams with 40M+ buckets need a 160 MB slot table; unigram jobs need
  // little: a 160M budget runs these and refuses those.
  WriteFile(Path("space.toml"), std::string(testing::kTinySpaceToml) + R"(
[params.wordNgrams]
type = "int"
min = 1
max = 2
[params.bucket]
type = "int"
min = 40000000
max = 50000000
)");
  std::vector<std::string> args = TuneArgs("out", 60);
  for (const char* extra : {"--memory", "160M", "--checkpoint-memory-mb", "0"}) args.push_back(extra);
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  int refused = 0, ok = 0;
  const std::string csv = ReadFile(Path("out/trials.csv"));
  for (const auto& row : CsvRows(csv)) {
    if (row.at(9) == "refused") {
      ++refused;
      EXPECT_NE(row.at(15).find("--memory 160.0 MB"), std::string::npos) << row.at(15);
      EXPECT_NE(row.at(15).find("15% for the allocator"), std::string::npos) << row.at(15);
      EXPECT_EQ(row.at(11), "0");  // nothing trained
    }
    ok += row.at(9) == "ok";
  }
  EXPECT_GT(refused, 0) << csv;
  EXPECT_GT(ok, 0) << csv;
  EXPECT_NE(run.out.find(std::to_string(refused) + " jobs refused"), std::string::npos) << run.out;
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("out/best.json")));
  EXPECT_EQ(best["config"]["wordNgrams"], 1) << best.dump();
  // Checkpoints went to disk (no memory for them) and are gone at the end.
  EXPECT_FALSE(fs::exists(Path("out/checkpoints")));
}

TEST_F(TuneCli, SpilledCheckpointsResumeAfterKill9) {
  WriteFile(Path("train.txt"), Corpus(6000, 3));
  std::vector<std::string> args = TuneArgs("out", 300);
  args.push_back("--checkpoint-memory-mb");  // every paused trial goes to disk
  args.push_back("0");
  ASSERT_GE(KillOnceResultsAreCommitted(args, 8), 8u);
  ASSERT_TRUE(fs::exists(Path("out/checkpoints")));
  EXPECT_FALSE(fs::is_empty(Path("out/checkpoints")));

  testing::RunResult resumed =
      RunRungs({"tune", "--resume", Path("out"), "--quiet", "--keep-checkpoints"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto journal = store::Journal::Open(Path("out/journal.sqlite"));
  ASSERT_TRUE(journal.ok()) << journal.message();
  std::map<uint64_t, job::Job> jobs;
  int64_t epochs = 0, promoted = 0;
  Status read = journal->Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kJob) jobs[e.job.id] = e.job;
    if (e.kind == store::JournalEntry::Kind::kResult && e.result.outcome == job::Outcome::kOk) {
      const job::Job& j = jobs.at(e.result.job);
      epochs += e.result.epochs_trained;
      if (j.epochs_from == 0) return Status::Ok();
      ++promoted;
      // Resumed from its checkpoint (on disk), before and after the kill: never retrained.
      EXPECT_EQ(e.result.epochs_trained, j.epochs_to - j.epochs_from) << "job " << j.id;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_GT(promoted, 0);
  EXPECT_LE(epochs, 300);
  // --keep-checkpoints: still there.
  EXPECT_FALSE(fs::is_empty(Path("out/checkpoints")));
}

// fastText's `test` output: "P@1\t0.953" -> 0.953.
double FastTextPrecision(const std::string& out) {
  size_t at = out.find("P@1");
  return at == std::string::npos ? -1 : std::stod(out.substr(at + 4));
}

TEST_F(TuneCli, MaxModelSizeWritesAFtzThatFastTextLoads) {
  WriteFile(Path("space.toml"), std::string(testing::kTinySpaceToml) + R"(
[params.wordNgrams]
type = "int"
min = 2
max = 3
[params.bucket]
type = "int"
min = 10000
max = 20000
)");
  std::vector<std::string> args = TuneArgs("out", 60);
  args.push_back("--max-model-size");
  args.push_back("64k");
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(fs::exists(Path("out/best.ftz")));
  EXPECT_LE(fs::file_size(Path("out/best.ftz")), 64u * 1024);
  EXPECT_NE(run.out.find("quantized: " + Path("out/best.ftz")), std::string::npos) << run.out;

  testing::RunResult ftz = RunProgram(testing::kFastText, {"test", Path("out/best.ftz"), Path("test.txt")});
  testing::RunResult bin = RunProgram(testing::kFastText, {"test", Path("out/best.bin"), Path("test.txt")});
  ASSERT_EQ(ftz.exit_code, 0) << ftz.err;
  ASSERT_EQ(bin.exit_code, 0) << bin.err;
  EXPECT_GE(FastTextPrecision(ftz.out), FastTextPrecision(bin.out) - 0.01) << ftz.out << bin.out;
  testing::RunResult predicted =
      RunProgram(testing::kFastText, {"predict", Path("out/best.ftz"), Path("test.txt")});
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_EQ(std::count(predicted.out.begin(), predicted.out.end(), '\n'), 300);
}

TEST_F(TuneCli, AModelTooSmallToQuantizeSaysWhyAndKeepsTheRun) {
  // About 120 words and no n-gram rows: fewer than the 256 rows a codebook needs.
  std::vector<std::string> args = TuneArgs("out", 24);
  args.push_back("--quantize");
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("best.ftz not written: --quantize: "), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(Path("out/best.ftz")));
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
  EXPECT_NE(run.out.find("test accuracy"), std::string::npos) << run.out;
}

TEST_F(TuneCli, ConfigurationsTooLargeEvenQuantizedAreRefused) {
  std::vector<std::string> args = TuneArgs("out", 24);
  args.push_back("--max-model-size");
  // More than the smallest model of the space before any word (5.3K, below
  // which the run is refused before it starts), less than the dictionary.
  args.push_back("6k");
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto rows = CsvRows(ReadFile(Path("out/trials.csv")));
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    EXPECT_EQ(row.at(9), "refused");
    EXPECT_NE(row.at(15).find("--max-model-size"), std::string::npos) << row.at(15);
  }
  EXPECT_NE(run.out.find("no trial finished"), std::string::npos) << run.out;
  // The summary names the limit they were refused by, not only the memory.
  EXPECT_NE(run.out.find(std::to_string(rows.size()) +
                         " jobs refused: they would not fit the memory or --max-model-size 6k"),
            std::string::npos)
      << run.out;
}

// A promotion whose checkpoint was gone (dropped from memory, or lost with a
// killed process) retrained from scratch. A later run that rebuilds the best
// model from the journal must train it the same way, or best.bin is not the
// model whose score best.json states (found by bench/chaos).
// Whether `word` is in the dictionary of the fastText model at `path`, as
// fastText 0.9.2 itself reads it.
bool ModelKnowsWord(const std::string& path, const std::string& word) {
  testing::RunResult dump = RunProgram(testing::kFastText, {"dump", path, "dict"});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  return dump.out.find("\n" + word + " ") != std::string::npos;
}

// By default best.bin is the best configuration retrained on train and
// validation together (a word only the validation file has is in its
// dictionary); --no-refit hands back the model the search trained.
TEST_F(TuneCli, BestModelIsRefitOnTrainAndValidationUnlessAskedNot) {
  std::string valid;
  std::istringstream lines(Corpus(300, 3));
  for (std::string line; std::getline(lines, line);) valid += line + " onlyinvalid\n";
  WriteFile(Path("valid.txt"), valid);
  for (const char* out : {"refit", "searched"}) {
    std::vector<std::string> args = TuneArgs(out, 40);
    for (const char* flag : {"--valid", "valid.txt"}) {
      args.push_back(flag == std::string("valid.txt") ? Path(flag) : flag);
    }
    if (out == std::string("searched")) args.push_back("--no-refit");
    testing::RunResult run = RunRungs(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const bool refit = out == std::string("refit");
    EXPECT_EQ(run.out.find("(refit on train + validation)") != std::string::npos, refit) << run.out;
    EXPECT_EQ(ModelKnowsWord(Path(out) + "/best.bin", "onlyinvalid"), refit) << out;
  }
}

// A refit that does not fit in what is left of --budget-seconds is not run:
// best.bin is the searched model, and a warning says so. A resume of a run
// whose budget is spent that asks for the end again has no time left at all.
TEST_F(TuneCli, ARefitWithNoTimeLeftIsSkippedWithAWarning) {
  std::string valid;
  std::istringstream lines(Corpus(300, 3));
  for (std::string line; std::getline(lines, line);) valid += line + " onlyinvalid\n";
  WriteFile(Path("valid.txt"), valid);
  testing::RunResult run = RunRungs({"tune", "--train", Path("train.txt"), "--valid",
                                     Path("valid.txt"), "--space", Path("space.toml"),
                                     "--budget-seconds", "2", "--max-epochs", "9", "--out",
                                     Path("out"), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // A lower total than the run has spent: no time is left at all (on this
  // tiny data the refit would fit into what a plain resume leaves).
  testing::RunResult resumed =
      RunRungs({"tune", "--resume", Path("out"), "--budget-seconds", "1", "--cross-check", "3",
                "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("no time left to refit on train + validation"), std::string::npos)
      << resumed.err;
  EXPECT_FALSE(ModelKnowsWord(Path("out/best.bin"), "onlyinvalid"));
}

// On a small validation set the best model is the best of the search's
// best three trials by cross-validation: the summary, best.json and the
// journal's end agree on it. --cross-check 0 keeps the search's best.
TEST_F(TuneCli, TheBestTrialIsChosenAmongTheBestByCrossValidation) {
  testing::RunResult run = RunRungs(TuneArgs("out", 80));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("cross-validated accuracy"), std::string::npos) << run.out;
  nlohmann::json end = nlohmann::json::parse(FinishedDetails(Path("out/journal.sqlite")).at(0));
  ASSERT_TRUE(end.contains("cross_checked")) << end.dump();
  const nlohmann::json& checked = end["cross_checked"];
  ASSERT_GE(checked.size(), 2u);
  ASSERT_LE(checked.size(), 3u);
  nlohmann::json chosen = checked[0];
  for (const nlohmann::json& c : checked) {
    if (c["metric"].get<double>() > chosen["metric"].get<double>()) chosen = c;
  }
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("out/best.json")));
  EXPECT_EQ(best["trial"], chosen["trial"]) << checked.dump();
  EXPECT_EQ(best["epochs"], chosen["epochs"]) << checked.dump();

  std::vector<std::string> args = TuneArgs("off", 80);
  args.insert(args.end(), {"--cross-check", "0"});
  testing::RunResult off = RunRungs(args);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.out.find("cross-validated"), std::string::npos) << off.out;
  EXPECT_FALSE(nlohmann::json::parse(FinishedDetails(Path("off/journal.sqlite")).at(0))
                   .contains("cross_checked"));
}

TEST_F(TuneCli, BestModelRebuiltOnResumeIsTheModelTheTrialTrained) {
  std::vector<std::string> args = TuneArgs("out", 40);
  // One worker: the run does not depend on timing. No checkpoint memory:
  // before checkpoints spilled to disk, every promotion retrained from
  // scratch here, as after a kill; now they spill, so this checks the
  // rebuild of continued promotions (a kill's from-scratch ones: bench/chaos).
  // asha-evo: its best here is a promoted trial (asha-tpe's is a rung-0 one).
  // --no-refit: the model the trial trained, not one retrained on more data.
  for (const char* flag : {"--workers", "1", "--checkpoint-memory-mb", "0", "--scheduler", "asha-evo",
                           "--no-refit"}) {
    args.push_back(flag);
  }
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("out/best.json")));
  ASSERT_GT(best["rung"].get<int>(), 0) << "the best trial must have been promoted";
  const std::string trained = ReadFile(Path("out/best.bin"));  // the live model

  // A new process holds no model: it retrains the best trial's jobs.
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(ReadFile(Path("out/best.bin")) == trained)
      << "best.bin rebuilt from the journal differs from the model trial " << best["trial"]
      << " trained";
}

TEST_F(TuneCli, TunesAnyTrainingProgramThroughCommand) {
  std::string source = RUNGS_SOURCE_DIR;
  testing::RunResult run = RunRungs(
      {"tune", "--space", source + "/examples/toy_space.toml", "--out", Path("toy"), "--budget-epochs",
       "40", "--max-epochs", "9", "--workers", "2", "--quiet", "--command",
       "/usr/bin/python3 " + source + "/examples/toy_trainer.py --lr {lr} --l2 {l2} --lr-scale {lr_scale} "
       "--epochs-from {epochs_from} --epochs-to {epochs_to} --workdir {workdir} --seed {seed}"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("toy/best.json")));
  EXPECT_EQ(best["metric"], "value");
  EXPECT_GT(best["value"].get<double>(), 0.5);  // the toy data is learnable
  EXPECT_TRUE(fs::exists(Path("toy/report.html")));
  EXPECT_FALSE(fs::exists(Path("toy/best.bin"))) << "a command's model is the program's own";
}

TEST_F(TuneCli, NamedDatasetIsReadFromTheDataFolder) {
  // A tiny stand-in for 20 Newsgroups in the layout of ../shared/data.
  fs::create_directories(Path("data/20newsgroups"));
  std::string csv = "\"label\",\"text\"\n";
  std::mt19937_64 rng(5);
  for (int i = 0; i < 300; ++i) {
    const char* label = i % 2 ? "sci.space" : "rec.autos";
    csv += std::string("\"") + label + "\",\"" + (i % 2 ? "orbit" : "engine") + std::to_string(rng() % 9) +
           " words " + (i % 2 ? "rocket" : "wheel") + "\"\n";
  }
  WriteFile(Path("data/20newsgroups/train.csv"), csv);
  WriteFile(Path("data/20newsgroups/test.csv"), csv);
  testing::RunResult run = RunRungs({"tune", "--dataset", "20newsgroups", "--data-dir", Path("data"),
                                 "--space", Path("space.toml"), "--budget-epochs", "20", "--max-epochs",
                                 "3", "--out", Path("named"), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("test accuracy"), std::string::npos) << "the set's test split is used";

  // Its files are recorded as --train's and --test's, and checked on --resume.
  const nlohmann::json recorded = nlohmann::json::parse(ReadFile(Path("named/data-files.json")));
  ASSERT_EQ(recorded["files"].size(), 2u) << recorded.dump();
  EXPECT_EQ(recorded["files"][0]["flag"], "--train");
  EXPECT_EQ(recorded["files"][0]["path"], Path("data/20newsgroups/train.csv"));
  EXPECT_EQ(recorded["files"][1]["flag"], "--test");
  WriteFile(Path("data/20newsgroups/test.csv"), csv + "\"sci.space\",\"orbit more\"\n");
  testing::RunResult resumed =
      RunRungs({"tune", "--resume", Path("named"), "--budget-epochs", "40", "--quiet"});
  EXPECT_EQ(resumed.exit_code, 1);
  EXPECT_NE(resumed.err.find("--test " + Path("data/20newsgroups/test.csv") +
                             " changed since the run started"),
            std::string::npos) << resumed.err;
}

// A local HTTP server (no network here) serving the test's folder, on a
// port of its own; stopped with the test.
class ServedFolder {
 public:
  explicit ServedFolder(const fs::path& folder, int port_offset = 0)
      : port_(std::to_string(20000 + (::getpid() + port_offset) % 20000)) {
    pid_ = testing::StartProgram(
        "/usr/bin/python3",
        {"-m", "http.server", port_, "--bind", "127.0.0.1", "--directory", folder.string()},
        "/dev/null", "/dev/null");
  }
  ~ServedFolder() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  bool started() const { return pid_ > 0; }
  const std::string& port() const { return port_; }

 private:
  std::string port_;
  pid_t pid_ = 0;
};

// Runs `args` until the server listens (at most 5 s), with its cache in `cache`.
testing::RunResult RunWhenServing(const std::string& cache,
                              const std::function<std::vector<std::string>(int)>& args) {
  ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
  testing::RunResult run;
  for (int attempt = 0; attempt < 50; ++attempt) {
    run = RunRungs(args(attempt));
    if (run.exit_code == 0 || run.err.find("connect") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::unsetenv("XDG_CACHE_HOME");
  return run;
}

TEST_F(TuneCli, TrainingDataByUrlIsDownloadedOnce) {
  ServedFolder server(dir_);
  ASSERT_TRUE(server.started());
  std::string url = "http://127.0.0.1:" + server.port() + "/train.txt";
  testing::RunResult run = RunWhenServing(Path("cache"), [&](int attempt) -> std::vector<std::string> {
    return {"tune", "--train", url, "--space", Path("space.toml"), "--budget-epochs", "10",
            "--max-epochs", "3", "--out", Path("url" + std::to_string(attempt)), "--quiet"};
  });
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(Path("cache/rungs/downloads"))) << "the download is cached";
}

// The cache may be cleared, or the file behind the URL replaced, between a
// run and its resume: the resume downloads other bytes and must not train
// on them beside the journaled trials.
TEST_F(TuneCli, ResumeRefusesAUrlWhoseDownloadChangedSinceTheRunStarted) {
  ServedFolder server(dir_, 2);
  ASSERT_TRUE(server.started());
  const std::string url = "http://127.0.0.1:" + server.port() + "/train.txt";
  const std::string out = Path("by-url");
  testing::RunResult run = RunWhenServing(Path("cache"), [&](int) -> std::vector<std::string> {
    return {"tune", "--train", url, "--space", Path("space.toml"), "--budget-epochs", "10",
            "--max-epochs", "3", "--out", out, "--quiet"};
  });
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json recorded = nlohmann::json::parse(ReadFile(out + "/data-files.json"));
  ASSERT_EQ(recorded["files"].size(), 1u);
  EXPECT_EQ(recorded["files"][0]["path"], url);

  testing::WriteFile(Path("train.txt"), ReadFile(Path("train.txt")) + "__label__a late row\n");
  fs::remove_all(Path("cache"));
  testing::RunResult resumed = RunWhenServing(Path("cache"), [&](int) -> std::vector<std::string> {
    return {"tune", "--resume", out, "--budget-epochs", "20", "--quiet"};
  });
  EXPECT_NE(resumed.exit_code, 0);
  EXPECT_THAT(resumed.err,
              ::testing::HasSubstr("--train " + url + " changed since the run started (size "));
}

TEST_F(TuneCli, SecretsInADataUrlAreNeitherStoredNorShown) {
  ServedFolder server(dir_, 1);
  ASSERT_TRUE(server.started());
  const std::string secret_url =
      "http://alice:hunter2@127.0.0.1:" + server.port() + "/train.txt?X-Amz-Signature=c0ffee";
  const std::string out = Path("secret");
  testing::RunResult run = RunWhenServing(Path("cache"), [&](int) -> std::vector<std::string> {
    return {"tune", "--train", secret_url, "--space", Path("space.toml"), "--budget-epochs", "10",
            "--max-epochs", "3", "--out", out, "--quiet"};
  });
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* file : {"experiment.json", "report.html", "journal.sqlite", "trials.csv"}) {
    const std::string text = ReadFile(out + "/" + file);
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << file;
    EXPECT_EQ(text.find("c0ffee"), std::string::npos) << file;
  }
  EXPECT_NE(ReadFile(out + "/experiment.json").find("http://REDACTED@127.0.0.1"),
            std::string::npos);

  // Resuming to search on needs the secrets again: refused until the URL is
  // given whole. (With nothing more to search, the data is not fetched.)
  testing::RunResult bare = RunRungs({"tune", "--resume", out, "--budget-epochs", "20", "--quiet"});
  EXPECT_NE(bare.exit_code, 0);
  EXPECT_NE(bare.err.find("--train http://REDACTED@"), std::string::npos) << bare.err;
  EXPECT_NE(bare.err.find("give the whole URL again"), std::string::npos) << bare.err;
  testing::RunResult other =
      RunRungs({"tune", "--resume", out, "--train", Path("train.txt"), "--quiet"});
  EXPECT_NE(other.err.find("--train cannot change on --resume"), std::string::npos) << other.err;
  testing::RunResult whole = RunWhenServing(Path("cache"), [&](int) -> std::vector<std::string> {
    return {"tune", "--resume", out, "--train", secret_url, "--budget-epochs", "20", "--quiet"};
  });
  EXPECT_EQ(whole.exit_code, 0) << whole.err;

  // An error quoting the URL does not show its secrets either.
  testing::RunResult failed = RunRungs({"tune", "--train",
                                    "http://alice:hunter2@127.0.0.1:1/x.txt?token=c0ffee",
                                    "--budget-epochs", "10", "--out", Path("none"), "--quiet"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find("http://REDACTED@127.0.0.1:1/x.txt?token=REDACTED"), std::string::npos)
      << failed.err;
  EXPECT_EQ(failed.err.find("hunter2"), std::string::npos) << failed.err;
}

struct BadCase {
  const char* name;
  std::vector<std::string> extra;
  std::string message;
};

TEST_F(TuneCli, BadInputFailsBeforeAnyWorkWithAClearMessage) {
  WriteFile(Path("unknown_key.toml"), "train = \"x\"\nbudget-epoch = 3\n");
  WriteFile(Path("bad_space.toml"), "[params.dropout]\ntype = \"float\"\nmin = 0.0\nmax = 0.5\n");
  std::vector<BadCase> cases = {
      {"unknown flag", {"--budget-epoch", "3"}, "--budget-epoch"},
      {"unknown key", {Path("unknown_key.toml")}, "unknown key 'budget-epoch'"},
      {"space", {"--space", Path("bad_space.toml")}, "'dropout'"},
      {"fraction", {"--valid-fraction", "1.5"}, "--valid-fraction"},
      {"budget", {"--budget-epochs", "1", "--min-epochs", "2"}, "too small for one bottom-rung job"},
      {"scheduler", {"--scheduler", "bayes"}, "bayes"},
      {"missing data", {"--train", Path("nope.txt")},
       "--train " + Path("nope.txt") + ": no such file"},
      {"memory size", {"--memory", "2X"}, "--memory must be a size such as 2G, 512M"},
      {"memory below the data", {"--memory", "1k"}, "is smaller than the"},
      {"model size", {"--max-model-size", "small"}, "--max-model-size must be a size"},
      // The default space's smallest model is dim 16: 17K quantized before any word.
      {"impossible model size", {"--max-model-size", "1k"},
       "--max-model-size 1k (1024 bytes) holds no model of the search space: even quantized, "
       "the smallest (dim 16, before any word or label) takes "},
  };
  for (const BadCase& c : cases) {
    std::vector<std::string> args = {"tune", "--train", Path("train.txt"), "--budget-epochs", "20",
                                     "--out", Path("bad_out"), "--quiet"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    testing::RunResult run = RunRungs(args);
    EXPECT_FALSE(run.signalled) << c.name;
    EXPECT_NE(run.exit_code, 0) << c.name;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.name << ": " << run.err;
    EXPECT_FALSE(fs::exists(Path("bad_out/journal.sqlite"))) << c.name << " started work";
  }
}

TEST_F(TuneCli, UnusableDataIsRefusedBeforeAnyTrial) {
  std::string random_bytes;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) random_bytes += static_cast<char>(rng() % 256);
  WriteFile(Path("random.bin.txt"), random_bytes);
  std::string unlabelled;
  for (int i = 0; i < 30; ++i) unlabelled += "some words " + std::to_string(i) + "\n";
  WriteFile(Path("unlabelled.txt"), unlabelled);
  WriteFile(Path("other_task.txt"), "__label__spam buy now\n__label__ham see you\n");
  // Too few lines for the split to leave validation rows: still the no-label error.
  WriteFile(Path("two_unlabelled.txt"), "some words\nmore words\n");
  std::vector<BadCase> cases = {
      {"train without labels", {"--train", Path("unlabelled.txt")}, "no line has a label"},
      {"two lines without labels", {"--train", Path("two_unlabelled.txt")},
       Path("two_unlabelled.txt") + ": no line has a label"},
      {"random bytes", {"--train", Path("random.bin.txt")}, "no line has a label"},
      {"valid without labels", {"--valid", Path("unlabelled.txt")},
       "--valid " + Path("unlabelled.txt") + ": no line has a label"},
      {"valid of another task", {"--valid", Path("other_task.txt")},
       "none of its labels occurs in the training data (ham: 1, spam: 1)"},
      {"test of another task", {"--test", Path("other_task.txt")},
       "--test " + Path("other_task.txt") + ": none of its labels occurs"},
  };
  for (const BadCase& c : cases) {
    std::vector<std::string> args = {"tune", "--train", Path("train.txt"), "--budget-seconds", "10",
                                     "--out", Path("bad_out"), "--quiet"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    testing::RunResult run = RunRungs(args);
    EXPECT_EQ(run.exit_code, 1) << c.name;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.name << ": " << run.err;
    EXPECT_FALSE(fs::exists(Path("bad_out/journal.sqlite"))) << c.name << " started work";
  }
}

TEST_F(TuneCli, DataThatCanOnlyPartlyBeScoredIsAWarningWithCounts) {
  WriteFile(Path("valid.txt"), "__label__sports sports1 sports2\n__label__chess e4 e5\n"
                                    "__label__chess d4 d5\n__label__tech tech3\n");
  std::string one_label;
  for (int i = 0; i < 50; ++i) one_label += "__label__only w" + std::to_string(i % 7) + " x\n";
  WriteFile(Path("one_label.txt"), one_label);
  testing::RunResult unseen = RunRungs({"tune", "--train", Path("train.txt"), "--valid", Path("valid.txt"),
                                    "--space", Path("space.toml"), "--max-trials", "2",
                                    "--max-epochs", "3", "--out", Path("unseen"), "--quiet"});
  EXPECT_EQ(unseen.exit_code, 0) << unseen.err;
  EXPECT_NE(unseen.err.find("rungs tune: warning: --valid " + Path("valid.txt") +
                            ": 2 of its 4 labels never occur in the training data (chess: 2)"),
            std::string::npos)
      << unseen.err;
  testing::RunResult one = RunRungs({"tune", "--train", Path("one_label.txt"), "--space",
                                 Path("space.toml"), "--max-trials", "2", "--max-epochs", "3",
                                 "--out", Path("one"), "--quiet"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.err.find("has one label only (only)"), std::string::npos) << one.err;

  // Rows with a blank label are skipped, as `rungs train` warns; a tune
  // used to skip them without a word.
  std::string csv = "label,text\n";
  for (int i = 0; i < 30; ++i) {
    csv += "pos,good w" + std::to_string(i % 5) + "\nneg,bad v" + std::to_string(i % 5) + "\n";
    if (i % 3 == 0) csv += ",no label here\n";
  }
  WriteFile(Path("blank.csv"), csv + "\n");  // an empty last line is no row without a label
  testing::RunResult blank = RunRungs({"tune", "--train", Path("blank.csv"), "--space",
                                       Path("space.toml"), "--max-trials", "2", "--max-epochs",
                                       "3", "--out", Path("blank"), "--quiet"});
  EXPECT_EQ(blank.exit_code, 0) << blank.err;
  EXPECT_NE(blank.err.find("rungs tune: warning: --train " + Path("blank.csv") +
                           ": 10 of its 70 lines or rows have no label and are skipped"),
            std::string::npos)
      << blank.err;
  EXPECT_EQ(unseen.err.find("have no label"), std::string::npos) << unseen.err;
}

TEST_F(TuneCli, ASpaceTheClassifierRefusesFailsBeforeAnyTrial) {
  const std::pair<const char*, const char*> spaces[] = {
      {"[params.lr]\ntype = \"float\"\nmin = -5.0\nmax = -1.0\n", "'lr' = -5"},
      {"[params.loss]\ntype = \"choice\"\nchoices = [\"bogus\"]\n", "'loss' = \"bogus\""},
      {"[params.dim]\ntype = \"int\"\nmin = 10\nmax = 100000000\n", "'dim' = 100000000"},
  };
  for (const auto& [toml, names] : spaces) {
    WriteFile(Path("refused.toml"), toml);
    testing::RunResult run = RunRungs({"tune", "--train", Path("train.txt"), "--space",
                                   Path("refused.toml"), "--budget-seconds", "10", "--out",
                                   Path("bad_out"), "--quiet"});
    EXPECT_EQ(run.exit_code, 1) << toml;
    EXPECT_NE(run.err.find(names), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("refused.toml"), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(Path("bad_out/journal.sqlite"))) << toml;
  }
}

TEST_F(TuneCli, ARunWhoseJobsKeepFailingStopsWithTheErrorAndJournalsIt) {
  // Every job fails the same way; a budget of 100,000 trials is not spent.
  WriteFile(Path("x_space.toml"), "[params.x]\ntype = \"float\"\nmin = 0.0\nmax = 1.0\n");
  testing::RunResult run = RunRungs(
      {"tune", "--space", Path("x_space.toml"), "--max-trials", "100000", "--max-epochs", "1",
       "--workers", "2", "--out", Path("failing"), "--quiet", "--command",
       "/bin/false {x}"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("jobs in a row failed with: "), std::string::npos) << run.err;
  std::vector<std::string> finished = FinishedDetails(Path("failing/journal.sqlite"));
  ASSERT_EQ(finished.size(), 1u);
  nlohmann::json detail = nlohmann::json::parse(finished[0]);
  EXPECT_EQ(detail["stopped_because"], "jobs_failing");
  EXPECT_NE(detail["failure"].get<std::string>().find("jobs in a row failed"), std::string::npos);
  auto journal = store::Journal::Open(Path("failing/journal.sqlite"));
  ASSERT_TRUE(journal.ok());
  auto summary = journal->Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_LE(summary->jobs, driver::FailureWatch::kSameErrorInARow + 2) << "kept starting jobs";
  EXPECT_TRUE(fs::exists(Path("failing/trials.csv")));
}

TEST_F(TuneCli, ACommandTuneNamesTheBestTrialsFolderNotAModel) {
  std::string source = RUNGS_SOURCE_DIR;
  testing::RunResult run = RunRungs(
      {"tune", "--space", source + "/examples/toy_space.toml", "--out", Path("toy"), "--max-trials",
       "2", "--max-epochs", "3", "--workers", "2", "--command",
       "/usr/bin/python3 " + source + "/examples/toy_trainer.py --lr {lr} --l2 {l2} --lr-scale {lr_scale} "
       "--epochs-from {epochs_from} --epochs-to {epochs_to} --workdir {workdir} --seed {seed}"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("best.bin"), std::string::npos) << run.out;
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("toy/best.json")));
  const std::string folder = Path("toy") + "/trials/trial-" + std::to_string(best["trial"].get<int>());
  EXPECT_NE(run.out.find("trial:  " + folder), std::string::npos) << run.out;
  EXPECT_TRUE(fs::is_directory(folder));
}

TEST_F(TuneCli, TheWallBudgetHoldsWithFarMoreWorkersThanCores) {
  // 256 jobs that would each run 60 s, on a machine's few cores, and a 1 s
  // budget: every job comes back stopped (none is left to run out its 60 s),
  // and no job starts after the budget.
  WriteFile(Path("x_space.toml"), "[params.x]\ntype = \"float\"\nmin = 0.0\nmax = 1.0\n");
  testing::RunResult run = RunRungs(
      {"tune", "--space", Path("x_space.toml"), "--budget-seconds", "1", "--max-epochs", "1",
       "--workers", "256", "--out", Path("many"), "--quiet", "--command",
       "/bin/sleep 60 {x}"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("--workers 256 with --threads 1 runs more threads than the"),
            std::string::npos) << run.err;
  auto journal = store::Journal::Open(Path("many/journal.sqlite"));
  ASSERT_TRUE(journal.ok());
  uint64_t jobs = 0, results = 0;
  Status read = journal->Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kJob) {
      ++jobs;
      EXPECT_LT(e.now, 1.0) << "a job started after the budget";
    }
    if (e.kind == store::JournalEntry::Kind::kResult) {
      ++results;
      EXPECT_EQ(e.result.outcome, job::Outcome::kAbandoned) << e.result.error;
      EXPECT_LT(e.now, 30.0) << "a job ran on for most of its length";
    }
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(jobs, 256u);
  EXPECT_EQ(results, jobs);
}

// Epochs trained by every job in a trials.csv.
int64_t EpochsIn(const std::string& csv_path) {
  std::istringstream csv(ReadFile(csv_path));
  std::string line;
  std::getline(csv, line);
  int64_t epochs = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    epochs += std::stoll(cells.at(11));
  }
  return epochs;
}

TEST_F(TuneCli, ABudgetGivenOnResumeIsTheNewTotalAndLaterResumesKeepIt) {
  ASSERT_EQ(RunRungs(TuneArgs("more", 20)).exit_code, 0);
  const int64_t first = EpochsIn(Path("more/trials.csv"));
  EXPECT_LE(first, 20);

  testing::RunResult more = RunRungs({"tune", "--resume", Path("more"), "--budget-epochs", "60", "--quiet"});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  const int64_t second = EpochsIn(Path("more/trials.csv"));
  EXPECT_GT(second, first) << "the new budget was not spent";
  EXPECT_LE(second, 60);
  nlohmann::json saved = nlohmann::json::parse(ReadFile(Path("more/experiment.json")));
  EXPECT_EQ(saved["budget-epochs"], 60);

  // Without a budget flag the journaled one holds: nothing is left to do.
  testing::RunResult again = RunRungs({"tune", "--resume", Path("more"), "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(EpochsIn(Path("more/trials.csv")), second);
  auto journal = store::Journal::Open(Path("more/journal.sqlite"));
  ASSERT_TRUE(journal.ok());
  std::vector<std::string> changes;
  ASSERT_TRUE(journal->Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kEvent && e.event == store::EventKind::kBudgetChanged) {
      changes.push_back(e.detail);
    }
    return Status::Ok();
  }).ok());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(changes[0])["budget_epochs"], 60);

  testing::RunResult seed = RunRungs({"tune", "--resume", Path("more"), "--seed", "9", "--quiet"});
  EXPECT_NE(seed.exit_code, 0);
  EXPECT_NE(seed.err.find("--seed cannot change on --resume"), std::string::npos) << seed.err;
}

// More folds than rows: the folds past the rows cannot be made. The run
// used to fail there, after its whole search, with no best.bin.
TEST_F(TuneCli, ACrossCheckWithMoreFoldsThanRowsStopsWithAWarningNotTheRun) {
  std::string few;
  std::istringstream lines(Corpus(300, 3));
  std::string line;
  for (int i = 0; i < 20 && std::getline(lines, line); ++i) few += line + "\n";
  WriteFile(Path("few.txt"), few);
  testing::RunResult run = RunRungs({"tune", "--train", Path("few.txt"), "--space",
                                     Path("space.toml"), "--max-trials", "4", "--max-epochs", "3",
                                     "--workers", "1", "--cross-check", "50", "--out",
                                     Path("out"), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("rungs tune: warning: cross-check stopped after 20 of 50 folds: "),
            std::string::npos)
      << run.err;
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
  EXPECT_TRUE(fs::exists(Path("out/report.html")));
}

// A command trial that waits for the file `go` before it reports, so a run
// is still inside its first budget while a test steers it; it gives up
// after a minute, so nothing is left running when a test fails. Two trials
// of one epoch at once: the budget is --max-trials 2.
class TuneSteer : public TuneCli {
 protected:
  void SetUp() override {
    TuneCli::SetUp();
    WriteFile(Path("x_space.toml"), "[params.x]\ntype = \"float\"\nmin = 0.0\nmax = 1.0\n");
    WriteFile(Path("trainer.sh"), "i=0\nwhile [ ! -e '" + Path("go") +
                                      "' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n"
                                      "echo \"rungs-metric epoch=$2 value=$1\"\n");
  }
  void TearDown() override { WriteFile(Path("go"), ""); }

  std::vector<std::string> Args() const {
    return {"tune", "--space", Path("x_space.toml"), "--max-trials", "2", "--max-epochs", "1",
            "--workers", "2", "--out", Path("out"), "--quiet", "--command",
            "/bin/sh " + Path("trainer.sh") + " {x} {epochs_to}"};
  }
  std::string JournalFile() const { return Path("out/journal.sqlite"); }

  // Waits (a minute at most) until the run has started `jobs` jobs.
  bool JobsStarted(uint64_t jobs) const {
    for (int i = 0; i < 1200; ++i) {
      if (fs::exists(JournalFile())) {
        auto journal = store::Journal::Open(JournalFile());
        if (journal.ok() && journal->Summary()->jobs >= jobs) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // What the run answered to request `id`, waiting a minute at most.
  std::string OutcomeOf(int64_t id) const {
    for (int i = 0; i < 1200; ++i) {
      Result<std::optional<std::string>> outcome = store::RequestOutcome(JournalFile(), id);
      if (!outcome.ok()) return outcome.message();
      if (*outcome) return **outcome;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "(not taken)";
  }

  // The journal's budget_changed events, and how many jobs it started.
  std::vector<driver::BudgetChange> BudgetChanges(uint64_t* jobs = nullptr) const {
    std::vector<driver::BudgetChange> changes;
    auto journal = store::Journal::Open(JournalFile());
    EXPECT_TRUE(journal.ok()) << journal.message();
    if (!journal.ok()) return changes;
    std::set<uint64_t> started;
    Status read = journal->Replay([&](const store::JournalEntry& e) {
      if (e.kind == store::JournalEntry::Kind::kJob) started.insert(e.job.id);
      if (e.kind != store::JournalEntry::Kind::kEvent || e.event != store::EventKind::kBudgetChanged) {
        return Status::Ok();
      }
      Result<driver::BudgetChange> change = driver::ParseBudgetDetail(e.detail, {});
      if (!change.ok()) return change.status();
      changes.push_back(*change);
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.message();
    if (jobs != nullptr) *jobs = started.size();
    return changes;
  }
};

TEST_F(TuneSteer, ExtendFromTheDashboardRaisesTheBudgetOfARunningTune) {
  std::vector<std::string> args = Args();
  args.push_back("--dashboard");
  pid_t pid = testing::StartProgram(RUNGS_BINARY, args, Path("stdout"), Path("stderr"));
  ASSERT_GT(pid, 0);
  // The URL it prints: http://127.0.0.1:PORT/?token=TOKEN
  int port = 0;
  std::string token;
  for (int i = 0; i < 1200 && token.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string err = ReadFile(Path("stderr"));
    const size_t at = err.find("dashboard: http://127.0.0.1:");
    const size_t end = err.find('\n', at);
    if (at == std::string::npos || end == std::string::npos) continue;
    const std::string url = err.substr(at, end - at);
    port = std::stoi(url.substr(url.rfind(':') + 1));
    token = url.substr(url.find("token=") + 6);
  }
  ASSERT_FALSE(token.empty()) << ReadFile(Path("stderr"));
  ASSERT_TRUE(JobsStarted(2)) << ReadFile(Path("stderr"));  // both at their first budget

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  auto steer = [&](const std::string& body) {
    return client.Post("/api/steer?x=0", httplib::Headers{{"X-Rungs-Token", token}}, body,
                       "application/json");
  };
  // A budget the run lacks: refused, with why. The dashboard waits 2 s for
  // the run's answer; on a loaded machine it may come later (202).
  httplib::Result lacking = steer(R"({"action":"extend","dollars":1})");
  ASSERT_TRUE(lacking);
  nlohmann::json refused = nlohmann::json::parse(lacking->body);
  if (lacking->status == 409) {
    EXPECT_EQ(refused["error"], "the run has no dollar budget");
  } else {
    EXPECT_EQ(lacking->status, 202) << lacking->body;
  }
  EXPECT_EQ(OutcomeOf(refused["request"].get<int64_t>()), "the run has no dollar budget");

  httplib::Result more = steer(R"({"action":"extend","trials":3})");
  ASSERT_TRUE(more);
  EXPECT_TRUE(more->status == 200 || more->status == 202) << more->status << " " << more->body;
  const int64_t id = nlohmann::json::parse(more->body)["request"].get<int64_t>();
  EXPECT_EQ(OutcomeOf(id), "ok");
  httplib::Result evolve = steer(R"({"action":"evolve"})");
  ASSERT_TRUE(evolve);
  const int64_t evolve_id = nlohmann::json::parse(evolve->body)["request"].get<int64_t>();
  EXPECT_EQ(OutcomeOf(evolve_id), "ok");
  WriteFile(Path("go"), "");
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(Path("stderr"));

  // It ran past its first limit, and the journal, experiment.json and the
  // report say why.
  uint64_t jobs = 0;
  std::vector<driver::BudgetChange> changes = BudgetChanges(&jobs);
  EXPECT_EQ(jobs, 5u);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].budget.trials, 5);
  EXPECT_EQ(changes[0].by, "request " + std::to_string(id));
  EXPECT_EQ(nlohmann::json::parse(ReadFile(Path("out/experiment.json")))["max-trials"], 5);
  const std::string report = ReadFile(Path("out/report.html"));
  EXPECT_NE(report.find("budget changes"), std::string::npos);
  EXPECT_NE(report.find("5 trials at "), std::string::npos);
  EXPECT_NE(report.find("evolution_enabled at "), std::string::npos);
  EXPECT_NE(report.find("(request " + std::to_string(evolve_id) + ")"), std::string::npos);
}

TEST_F(TuneSteer, AnExtendedBudgetIsReplayedAfterKill9AndResume) {
  pid_t pid = testing::StartProgram(RUNGS_BINARY, Args(), Path("stdout"), Path("stderr"));
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(JobsStarted(2)) << ReadFile(Path("stderr"));
  Result<int64_t> id = store::PostRequest(JournalFile(), store::RequestKind::kExtend, R"({"trials":3})");
  ASSERT_TRUE(id.ok()) << id.message();
  EXPECT_EQ(OutcomeOf(*id), "ok");
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed";
  WriteFile(Path("go"), "");

  // Replay gives the extended budget (5 trials), not experiment.json's 2.
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  uint64_t jobs = 0;
  std::vector<driver::BudgetChange> changes = BudgetChanges(&jobs);
  EXPECT_EQ(jobs, 5u);
  ASSERT_EQ(changes.size(), 1u) << "a resume without a budget flag changes nothing";
  EXPECT_EQ(nlohmann::json::parse(ReadFile(Path("out/experiment.json")))["max-trials"], 5);

  // A budget flag on resume is the new total, over the extended one.
  testing::RunResult more = RunRungs({"tune", "--resume", Path("out"), "--max-trials", "6", "--quiet"});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  changes = BudgetChanges(&jobs);
  EXPECT_EQ(jobs, 6u);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].budget.trials, 6);
  EXPECT_EQ(changes[1].by, "--resume");
}

}  // namespace
}  // namespace rungs::tune
