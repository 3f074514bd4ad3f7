// rungs tune end to end, through the built binary as a user runs it: the
// outputs, fastText loading best.bin, resume after kill -9, and bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "driver/failure_watch.h"
#include "store/journal.h"
#include "testing/files.h"
#include "testing/finished_events.h"
#include "testing/run_program.h"
#include "testing/sample_data.h"
#include "testing/spaces.h"
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

class TuneCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    WriteFile(Path("train.txt"), Corpus(900, 1));
    WriteFile(Path("test.txt"), Corpus(300, 2));
    WriteFile(Path("space.toml"), testing::kTinySpaceToml);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

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
  testing::RunResult theirs = RunProgram("/usr/bin/fasttext", {"predict", Path("out/best.bin"), Path("test.txt")});
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
  testing::RunResult theirs = RunProgram("/usr/bin/fasttext", {"test", best, Path("clean_test.txt")});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_NE(RunProgram("/usr/bin/fasttext", {"test", best, Path("raw_test.txt")}).out, theirs.out)
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
  EXPECT_EQ(FinishedDetails(Path("out/journal.sqlite")).size(), 1u);
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(FinishedDetails(Path("out/journal.sqlite")).size(), 2u) << "one per run";
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

TEST_F(TuneCli, ResumeSearchesTheJournaledSpaceNotTheEditedSpaceFile) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 30)).exit_code, 0);
  // The user edits the space file after the run: the journal still holds
  // the space that was searched, and resuming must replay that one.
  WriteFile(Path("space.toml"), "[params.lr]\ntype = \"float\"\nmin = 0.5\nmax = 0.9\n");
  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--quiet"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("best validation accuracy"), std::string::npos) << resumed.out;
}

TEST_F(TuneCli, RefusesAnOutputFolderThatHoldsAnotherExperiment) {
  ASSERT_EQ(RunRungs(TuneArgs("out", 10)).exit_code, 0);
  testing::RunResult again = RunRungs(TuneArgs("out", 10));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("holds another experiment"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
}

TEST_F(TuneCli, ResumesAfterKill9WithoutLosingOrDoublingResults) {
  WriteFile(Path("train.txt"), Corpus(6000, 3));
  pid_t pid = testing::StartProgram(RUNGS_BINARY, TuneArgs("out", 300), Path("stdout"),
                                    Path("stderr"));
  ASSERT_GT(pid, 0);

  // Kill it for real once some results are committed.
  uint64_t before = 0;
  for (int i = 0; i < 600 && before < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(Path("out/journal.sqlite"))) continue;
    auto journal = store::Journal::Open(Path("out/journal.sqlite"));
    if (journal.ok()) before = journal->Summary()->results;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
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

  // Resuming needs the secrets again: refused until the URL is given whole.
  testing::RunResult bare = RunRungs({"tune", "--resume", out, "--quiet"});
  EXPECT_NE(bare.exit_code, 0);
  EXPECT_NE(bare.err.find("--train http://REDACTED@"), std::string::npos) << bare.err;
  EXPECT_NE(bare.err.find("give the whole URL again"), std::string::npos) << bare.err;
  testing::RunResult other =
      RunRungs({"tune", "--resume", out, "--train", Path("train.txt"), "--quiet"});
  EXPECT_NE(other.err.find("--train cannot change on --resume"), std::string::npos) << other.err;
  testing::RunResult whole = RunWhenServing(Path("cache"), [&](int) -> std::vector<std::string> {
    return {"tune", "--resume", out, "--train", secret_url, "--quiet"};
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
      {"missing data", {"--train", Path("nope.txt")}, "nope.txt"},
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
  std::vector<BadCase> cases = {
      {"train without labels", {"--train", Path("unlabelled.txt")}, "no line has a label"},
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
      EXPECT_EQ(e.result.outcome, job::Outcome::kTimeout) << e.result.error;
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

}  // namespace
}  // namespace rungs::tune
