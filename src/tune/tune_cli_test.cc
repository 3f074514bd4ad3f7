// rungs tune end to end, through the built binary as a user runs it: the
// outputs, fastText loading best.bin, resume after kill -9, and bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

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

  testing::RunResult ftz = RunProgram("/usr/bin/fasttext", {"test", Path("out/best.ftz"), Path("test.txt")});
  testing::RunResult bin = RunProgram("/usr/bin/fasttext", {"test", Path("out/best.bin"), Path("test.txt")});
  ASSERT_EQ(ftz.exit_code, 0) << ftz.err;
  ASSERT_EQ(bin.exit_code, 0) << bin.err;
  EXPECT_GE(FastTextPrecision(ftz.out), FastTextPrecision(bin.out) - 0.01) << ftz.out << bin.out;
  testing::RunResult predicted =
      RunProgram("/usr/bin/fasttext", {"predict", Path("out/best.ftz"), Path("test.txt")});
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
  args.push_back("1k");  // the dictionary alone is larger
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto rows = CsvRows(ReadFile(Path("out/trials.csv")));
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    EXPECT_EQ(row.at(9), "refused");
    EXPECT_NE(row.at(15).find("--max-model-size"), std::string::npos) << row.at(15);
  }
  EXPECT_NE(run.out.find("no trial finished"), std::string::npos) << run.out;
}

// A promotion whose checkpoint was gone (dropped from memory, or lost with a
// killed process) retrained from scratch. A later run that rebuilds the best
// model from the journal must train it the same way, or best.bin is not the
// model whose score best.json states (found by bench/chaos).
TEST_F(TuneCli, BestModelRebuiltOnResumeIsTheModelTheTrialTrained) {
  std::vector<std::string> args = TuneArgs("out", 40);
  // One worker: the run does not depend on timing. No checkpoint memory:
  // before checkpoints spilled to disk, every promotion retrained from
  // scratch here, as after a kill; now they spill, so this checks the
  // rebuild of continued promotions (a kill's from-scratch ones: bench/chaos).
  for (const char* flag : {"--workers", "1", "--checkpoint-memory-mb", "0"}) args.push_back(flag);
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
}

TEST_F(TuneCli, TrainingDataByUrlIsDownloadedOnce) {
  // A local HTTP server (no network here) serving the training file.
  int port = 20000 + ::getpid() % 20000;
  std::string port_text = std::to_string(port);
  pid_t server = testing::StartProgram(
      "/usr/bin/python3",
      {"-m", "http.server", port_text, "--bind", "127.0.0.1", "--directory", dir_.string()},
      "/dev/null", "/dev/null");
  ASSERT_GT(server, 0);
  std::string url = "http://127.0.0.1:" + port_text + "/train.txt";
  std::string cache = Path("cache");
  ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
  testing::RunResult run;
  for (int attempt = 0; attempt < 50; ++attempt) {  // until the server listens
    run = RunRungs({"tune", "--train", url, "--space", Path("space.toml"), "--budget-epochs", "10",
                    "--max-epochs", "3", "--out", Path("url" + std::to_string(attempt)), "--quiet"});
    if (run.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(server, SIGTERM);
  ::waitpid(server, nullptr, 0);
  ::unsetenv("XDG_CACHE_HOME");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(Path("cache/rungs/downloads"))) << "the download is cached";
}

struct BadCase {
  const char* name;
  std::vector<std::string> extra;
  const char* message;
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
      {"memory size", {"--memory", "2X"}, "--memory must be a size such as 2G, 512M"},
      {"memory below the data", {"--memory", "1k"}, "is smaller than the"},
      {"model size", {"--max-model-size", "small"}, "--max-model-size must be a size"},
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

}  // namespace
}  // namespace rungs::tune
