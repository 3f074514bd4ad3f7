// End to end: `rungs lambda emulate` with 8 instances of the real
// `rungs worker`, and `rungs tune --executor lambda` against it, without and
// with every kind of injected fault. The journal must hold exactly one
// result for every job, and no result without a job.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "emulate/instance_process.h"
#include "testing/aws_env.h"
#include "testing/files.h"
#include "testing/run_program.h"
#include "testing/sample_data.h"
#include "testing/spaces.h"
#include "testing/temp_dir.h"

namespace rungs::emulate {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Finished {
  bool in_time = false;
  int status = -1;  // waitpid's
  std::string output;
};

// Runs a program to its end, or kills it after `limit`.
Finished RunFor(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const fs::path& dir, std::chrono::seconds limit) {
  Finished finished;
  auto process = InstanceProcess::Spawn(argv, env, dir);
  if (!process.ok()) {
    finished.output = process.message();
    return finished;
  }
  auto deadline = Clock::now() + limit;
  bool ended = false;
  std::optional<int> status;
  while (!(status = (*process)->Exited()) && Clock::now() < deadline) {
    finished.output += (*process)->ReadLog(std::chrono::milliseconds(50), &ended);
    if (ended) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!status) (*process)->Kill();  // out of time
  for (int i = 0; i < 40 && !ended; ++i) {
    finished.output += (*process)->ReadLog(std::chrono::milliseconds(50), &ended);
  }
  finished.in_time = status.has_value();
  finished.status = status.value_or(-1);
  return finished;
}

int64_t Count(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    value = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  return value;
}

class LambdaEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    std::ofstream(dir_ / "train.txt") << testing::SampleFastTextLines(600, 1);
    std::ofstream(dir_ / "valid.txt") << testing::SampleFastTextLines(200, 2);
    std::ofstream(dir_ / "space.toml") << testing::kTinySpaceToml;
    const char* path = std::getenv("PATH");
    env_ = {"PATH=" + std::string(path ? path : "/usr/bin:/bin"), "HOME=" + dir_.string(),
            "AWS_ACCESS_KEY_ID=AKIDRUNGSE2E", "AWS_SECRET_ACCESS_KEY=rungs-e2e-secret",
            "AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE=/dev/null"};
  }
  void TearDown() override {
    StopEmulator();
  }

  // Starts `rungs lambda emulate` with `extra` flags; returns its Invoke URL.
  std::string StartEmulator(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {RUNGS_BINARY, "lambda",    "emulate",   "--instances", "8",
                                     "--timeout",  "30",        "--quiet",   "--seed",      "5"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto process = InstanceProcess::Spawn(argv, env_, dir_);
    if (!process.ok()) {
      ADD_FAILURE() << process.message();
      return "";
    }
    emulator_ = std::move(*process);
    std::regex announced(R"(Invoke API at (http://127\.0\.0\.1:[0-9]+) \(function rungs, 8 instances\))");
    auto deadline = Clock::now() + std::chrono::seconds(10);
    bool ended = false;
    std::smatch match;
    while (Clock::now() < deadline && !ended) {
      emulator_log_ += emulator_->ReadLog(std::chrono::milliseconds(50), &ended);
      if (std::regex_search(emulator_log_, match, announced)) break;
    }
    if (match.empty()) {
      ADD_FAILURE() << "the emulator did not announce its endpoint:\n" << emulator_log_;
      return "";
    }
    // Keep its pipe drained while it runs.
    pump_ = std::thread([this] {
      bool done = false;
      while (!done && !stop_pump_) {
        std::string text = emulator_->ReadLog(std::chrono::milliseconds(50), &done);
        std::lock_guard<std::mutex> lock(log_mutex_);
        emulator_log_ += text;
      }
    });
    return match[1];
  }

  void StopEmulator() {
    if (!emulator_) return;
    ::kill(emulator_->pid(), SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!emulator_->Exited() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(emulator_->Exited().has_value()) << "the emulator did not stop on SIGTERM";
    stop_pump_ = true;
    if (pump_.joinable()) pump_.join();
    emulator_.reset();
  }

  // 70 epochs are more than 8 jobs of the default asha-tpe, whose second
  // bracket starts at 9 epochs (12-13 jobs in simulations).
  Finished Tune(const std::string& url, const std::string& out, int budget_epochs = 70) {
    return RunFor({RUNGS_BINARY, "tune", "--train", (dir_ / "train.txt").string(), "--valid",
                   (dir_ / "valid.txt").string(), "--space", (dir_ / "space.toml").string(),
                   "--budget-epochs", std::to_string(budget_epochs), "--max-epochs", "9", "--executor", "lambda",
                   "--function", "rungs", "--endpoint-url", url, "--region", "us-east-1",
                   "--concurrency", "8", "--function-timeout", "30", "--seed", "3", "--out",
                   (dir_ / out).string(), "--quiet"},
                  env_, dir_, std::chrono::seconds(60));
  }

  // Every job has exactly one result, and every result a job.
  void ExpectOneResultPerJob(const std::string& out, int64_t* failed) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir_ / out / "journal.sqlite").c_str(), &db, SQLITE_OPEN_READONLY,
                              nullptr),
              SQLITE_OK);
    int64_t jobs = Count(db, "SELECT COUNT(*) FROM jobs");
    int64_t results = Count(db, "SELECT COUNT(*) FROM results");
    EXPECT_GT(jobs, 8);
    EXPECT_EQ(results, jobs);
    EXPECT_EQ(Count(db, "SELECT COUNT(DISTINCT job) FROM results"), results);
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM jobs WHERE id NOT IN (SELECT job FROM results)"), 0);
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM results WHERE job NOT IN (SELECT id FROM jobs)"), 0);
    *failed = Count(db, "SELECT COUNT(*) FROM results WHERE outcome != 'ok'");
    sqlite3_close(db);
  }

  std::string EmulatorLog() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return emulator_log_;
  }

  fs::path dir_;
  std::vector<std::string> env_;
  std::unique_ptr<InstanceProcess> emulator_;
  std::thread pump_;
  std::atomic<bool> stop_pump_{false};
  std::mutex log_mutex_;
  std::string emulator_log_;  // guarded by log_mutex_ once pump_ runs
};

TEST_F(LambdaEndToEnd, TuneCompletesOnEightRealWorkers) {
  std::string url = StartEmulator({});
  ASSERT_FALSE(url.empty());
  Finished tune = Tune(url, "out");
  ASSERT_TRUE(tune.in_time) << "tune did not finish in 60 s:\n" << tune.output;
  ASSERT_TRUE(WIFEXITED(tune.status) && WEXITSTATUS(tune.status) == 0)
      << tune.output << "\nemulator:\n" << EmulatorLog();
  int64_t failed = -1;
  ExpectOneResultPerJob("out", &failed);
  EXPECT_EQ(failed, 0) << tune.output;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "best.bin"));
}

TEST_F(LambdaEndToEnd, TuneCompletesDespiteEveryKindOfFault) {
  // Half the invocations go wrong, a tenth each way, over enough jobs that
  // every kind shows up (with this seed; the summary below checks it).
  std::string url = StartEmulator({"--fault-429", "0.1", "--fault-500", "0.1",
                                   "--fault-function-error", "0.1", "--fault-timeout", "0.1",
                                   "--fault-drop", "0.1"});
  ASSERT_FALSE(url.empty());
  Finished tune = Tune(url, "faulty", 120);
  ASSERT_TRUE(tune.in_time) << "tune did not finish in 60 s:\n" << tune.output;
  ASSERT_TRUE(WIFEXITED(tune.status) && WEXITSTATUS(tune.status) == 0)
      << tune.output << "\nemulator:\n" << EmulatorLog();
  int64_t failed = -1;
  ExpectOneResultPerJob("faulty", &failed);
  StopEmulator();
  // The emulator's summary on stopping says how many faults it injected.
  std::smatch summary;
  std::string log = EmulatorLog();
  ASSERT_TRUE(std::regex_search(
      log, summary,
      std::regex(R"(faults injected: throttle ([0-9]+), server-error ([0-9]+), )"
                 R"(function-error ([0-9]+), timeout ([0-9]+), drop ([0-9]+)\))")))
      << log;
  for (int kind = 1; kind <= 5; ++kind) EXPECT_GT(std::stoi(summary[kind]), 0) << log;
}

// Failed jobs are counted by kind where people look: the summary on stdout
// and report.html. Server errors on every attempt are a "Lambda service
// error", an error of the function a "Lambda function error". One
// invocation at a time, so the seeded faults fall on the same jobs in every
// run (both kinds several times with this seed).
TEST_F(LambdaEndToEnd, FailedJobsAreCountedByKindOnStdoutAndInTheReport) {
  std::string url = StartEmulator({"--fault-500", "0.5", "--fault-function-error", "0.15"});
  ASSERT_FALSE(url.empty());
  testing::ScopedAwsEnv env;
  env.Set("AWS_ACCESS_KEY_ID", "AKIDRUNGSE2E");
  env.Set("AWS_SECRET_ACCESS_KEY", "rungs-e2e-secret");
  env.Set("AWS_CONFIG_FILE", "/dev/null");
  env.Set("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
  const std::string out = (dir_ / "kinds").string();
  testing::RunResult tune = testing::RunRungs(
      {"tune", "--train", (dir_ / "train.txt").string(), "--valid", (dir_ / "valid.txt").string(),
       "--space", (dir_ / "space.toml").string(), "--budget-epochs", "60", "--max-epochs", "9",
       "--executor", "lambda", "--function", "rungs", "--endpoint-url", url, "--region",
       "us-east-1", "--concurrency", "1", "--function-timeout", "30", "--seed", "3", "--out", out,
       "--quiet"});
  ASSERT_EQ(tune.exit_code, 0) << tune.err << "\nemulator:\n" << EmulatorLog();
  const size_t at = tune.out.find("jobs not finished ok: ");
  ASSERT_NE(at, std::string::npos) << tune.out;
  const std::string line = tune.out.substr(at, tune.out.find('\n', at) - at);
  EXPECT_NE(line.find(" Lambda service error"), std::string::npos) << line;
  EXPECT_NE(line.find(" Lambda function error"), std::string::npos) << line;
  const std::string report = testing::ReadFile(out + "/report.html");
  EXPECT_NE(report.find("jobs not finished ok"), std::string::npos);
  EXPECT_NE(report.find(" Lambda service error"), std::string::npos);
  EXPECT_NE(report.find(" Lambda function error"), std::string::npos);
  // The summary's total is the journal's count of results that are not ok.
  int64_t failed = -1;
  ExpectOneResultPerJob("kinds", &failed);
  EXPECT_EQ(line.substr(0, line.find(" (")), "jobs not finished ok: " + std::to_string(failed));
}

}  // namespace
}  // namespace rungs::emulate
