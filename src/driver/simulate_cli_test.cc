// `rungs simulate` as a user runs it: the built binary (RUNGS_BINARY), its
// JSON report, its errors, a journal surviving kill -9 of the process, and
// blackbox objectives.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/request_inbox.h"
#include "store/sqlite.h"
#include "testing/files.h"
#include "testing/run_program.h"
#include "testing/temp_dir.h"

namespace rungs::driver {
namespace {

using ::testing::HasSubstr;
using testing::FreshDir;
using testing::ReadFile;
using testing::RunResult;
using testing::RunRungs;
using testing::WriteFile;

// Starts `rungs <args>` with stdout and stderr going to files in `dir`.
pid_t Start(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  return testing::StartProgram(RUNGS_BINARY, args, (dir / "stdout").string(),
                               (dir / "stderr").string());
}

TEST(SimulateCli, PrintsOneJsonObjectWithTheFields) {
  const std::filesystem::path dir = FreshDir();
  RunResult run = RunRungs({"simulate", "--scheduler", "asha-evo", "--workers", "50", "--jobs",
                        "3000", "--seed", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << run.out;
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << run.out;
  EXPECT_EQ(report["jobs"], 3000);
  EXPECT_EQ(report["results"], 3000);
  EXPECT_GT(report["trials"].get<int>(), 1000);
  EXPECT_LT(report["trials"].get<int>(), 3000);
  EXPECT_GT(report["us_per_decision"].get<double>(), 0);
  EXPECT_TRUE(report["bytes_per_trial"].is_number());
  EXPECT_TRUE(report["us_per_decision_at_trials"].contains("1000"));
  EXPECT_GT(report["virtual_seconds"].get<double>(), 0);
  const nlohmann::json& best = report["best"];
  ASSERT_TRUE(best.is_object());
  EXPECT_GT(best["metric"].get<double>(), 0.3);
  EXPECT_LT(best["metric"].get<double>(), 1.0);
  EXPECT_TRUE(best["config"].contains("lr"));
  EXPECT_EQ(report["stopped_because"], "max_jobs");
}

TEST(SimulateCli, SameSeedGivesTheSameRun) {
  const std::filesystem::path dir = FreshDir();
  std::vector<std::string> args = {"simulate", "--workers", "20", "--jobs", "500", "--seed", "8"};
  RunResult a = RunRungs(args);
  RunResult b = RunRungs(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  nlohmann::json ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["best"], jb["best"]);
  EXPECT_EQ(ja["trials"], jb["trials"]);
  EXPECT_EQ(ja["virtual_seconds"], jb["virtual_seconds"]);
}

TEST(SimulateCli, BadFlagsAreClearErrors) {
  const std::filesystem::path dir = FreshDir();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* message;
  } cases[] = {
      {{"--workers", "0"}, 1, "--workers"},
      {{"--jobs", "0"}, 1, "--jobs"},
      // Cast to the scheduler's int64_t, it was refused as "max_trials must be >= 0".
      {{"--jobs", "10000000000000000000"}, 1,
       "--jobs must be in [1, 9223372036854775807], got 10000000000000000000"},
      {{"--failure-rate", "1.5"}, 1, "--failure-rate"},
      {{"--scheduler", "bogus"}, 1, "unknown scheduling method 'bogus'"},
      {{"--resume"}, 1, "--journal"},
      {{"--jobs", "many"}, 2, "--jobs"},
      {{"--promotion", "pause"}, 2, "--promotion"},
      {{"--eta", "1"}, 1, "eta"},
      {{"--scheduler-options", "[1]"}, 1, "--scheduler-options must be a JSON object"},
      {{"--scheduler-options", "{\"pasha\": {\"on\": true}}"}, 1, "pasha.on"},
      {{"--scheduler-options", "{\"brackets\": -1}"}, 1, "brackets"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"simulate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult run = RunRungs(args);
    EXPECT_EQ(run.exit_code, c.exit_code) << c.args[0] << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.args[0];
    EXPECT_EQ(run.out, "") << c.args[0];
  }
}

TEST(SimulateCli, JournalRefusesToOverwriteAndResumeNeedsAJournal) {
  const std::filesystem::path dir = FreshDir();
  std::string journal = (dir / "j.db").string();
  ASSERT_EQ(RunRungs({"simulate", "--jobs", "100", "--journal", journal}).exit_code, 0);
  RunResult again = RunRungs({"simulate", "--jobs", "100", "--journal", journal});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already holds a journal"));
  RunResult missing = RunRungs({"simulate", "--resume", "--journal", (dir / "none.db").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("none.db"));
}

std::map<int64_t, double> CommittedResults(const std::string& path) {
  std::map<int64_t, double> results;
  Result<store::Database> db = store::Database::Open(path, store::Database::Mode::kReadWrite);
  if (!db.ok()) return results;
  Result<store::Statement> rows = db->Prepare("SELECT job, coalesce(metric, -1) FROM results");
  if (!rows.ok()) return results;
  while (true) {
    Result<bool> row = rows->Step();
    if (!row.ok() || !*row) break;
    results[rows->Int(0)] = rows->Double(1);
  }
  return results;
}

TEST(SimulateCli, KillNineThenResumeLosesAndDoublesNothing) {
  const std::filesystem::path dir = FreshDir();
  std::string journal = (dir / "j.db").string();
  pid_t pid = Start(dir, {"simulate", "--workers", "300", "--jobs", "5000000", "--seed", "4",
                          "--failure-rate", "0.01", "--journal", journal});
  std::map<int64_t, double> seen;
  for (int i = 0; i < 3000 && seen.size() < 3000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = CommittedResults(journal);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "simulate ended before the kill: " << ReadFile(dir / "stderr");
  ASSERT_GE(seen.size(), 3000u);

  std::map<int64_t, double> before = CommittedResults(journal);
  int64_t jobs_before = 0;
  {
    // Its own connection, closed again: an open read would pin a snapshot.
    Result<store::Database> db = store::Database::Open(journal, store::Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    Result<store::Statement> jobs = db->Prepare("SELECT count(*) FROM jobs");
    ASSERT_TRUE(*jobs->Step());
    jobs_before = jobs->Int(0);
  }
  ASSERT_GT(jobs_before, int64_t(before.size()));  // some were running when killed

  RunResult resumed = RunRungs({"simulate", "--resume", "--journal", journal, "--workers", "300",
                            "--jobs", std::to_string(jobs_before + 500)});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  nlohmann::json report = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(report["jobs"], jobs_before + 500);
  EXPECT_EQ(report["results"], jobs_before + 500);

  std::map<int64_t, double> after = CommittedResults(journal);
  for (const auto& [job, metric] : seen) {
    ASSERT_EQ(after.count(job), 1u) << "committed result of job " << job << " lost";
    EXPECT_EQ(after.at(job), metric) << "result of job " << job << " changed";
  }
  Result<store::Database> db = store::Database::Open(journal, store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  Result<store::Statement> check = db->Prepare(
      "SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM results), "
      "(SELECT count(DISTINCT job) FROM results), "
      "(SELECT count(*) FROM jobs WHERE id NOT IN (SELECT job FROM results))");
  ASSERT_TRUE(*check->Step());
  EXPECT_EQ(check->Int(0), jobs_before + 500);
  EXPECT_EQ(check->Int(1), check->Int(0));  // every job reported once
  EXPECT_EQ(check->Int(2), check->Int(1));  // no job twice
  EXPECT_EQ(check->Int(3), 0);
}

// A scripted blackbox (a Python program written by the test) drives the
// simulated workers: its answers land in the journal, and a broken one ends
// the run with a clear error that keeps what was committed.
constexpr const char* kSpace = R"([params.x]
type = "float"
min = 0.0
max = 1.0
)";

// metric(x, e) = 100 (1 - (x - 0.7)^2) e / (e + 1); each epoch takes 3 s.
// `broken_after` >= 0: the answer line after that many is not JSON.
std::string Blackbox(int broken_after = -1) {
  return R"(import json, sys
answered = 0
for line in sys.stdin:
    q = json.loads(line)
    if answered == )" +
         std::to_string(broken_after) + R"(:
        print("warming up", flush=True)
    x = q["config"]["x"]
    metrics = [100 * (1 - (x - 0.7) ** 2) * e / (e + 1) for e in q["epochs"]]
    print(json.dumps(dict(v=1, id=q["id"], metrics=metrics, seconds=[3.0 * e for e in q["epochs"]])), flush=True)
    answered += 1
)";
}

double Expected(double x, int epochs) {
  return 100 * (1 - (x - 0.7) * (x - 0.7)) * epochs / (epochs + 1.0);
}

TEST(SimulateCli, ABlackboxsMetricsAndSecondsDriveTheRun) {
  const std::filesystem::path dir = FreshDir();
  WriteFile(dir / "space.toml", kSpace);
  WriteFile(dir / "bb.py", Blackbox());
  RunResult run = RunRungs({"simulate", "--blackbox", "/usr/bin/python3 " + (dir / "bb.py").string(), "--space",
                        (dir / "space.toml").string(), "--scheduler", "asha", "--workers", "4",
                        "--jobs", "60", "--max-epochs", "9", "--seed", "5", "--journal",
                        (dir / "j.db").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["objective"]["kind"], "blackbox");
  EXPECT_EQ(report["objective"]["requests"], 60);
  EXPECT_LE(report["objective"]["exchanges"].get<int>(), 60);
  EXPECT_TRUE(report["best"]["config"].contains("x"));

  // Every result is the blackbox's answer for its job: the metric at
  // epochs_to, and 3 s per epoch trained (resumed jobs train only new ones).
  Result<store::Database> db = store::Database::Open((dir / "j.db").string(), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.message();
  Result<store::Statement> rows = db->Prepare(
      "SELECT jobs.job, results.result FROM jobs JOIN results ON results.job = jobs.id");
  ASSERT_TRUE(rows.ok()) << rows.message();
  int checked = 0, resumed = 0;
  while (*rows->Step()) {
    nlohmann::json job = nlohmann::json::parse(rows->Text(0));
    nlohmann::json result = nlohmann::json::parse(rows->Text(1));
    int from = job["epochs_from"], to = job["epochs_to"];
    EXPECT_NEAR(result["metric"].get<double>(), Expected(job["config"][0], to), 1e-9);
    EXPECT_EQ(result["epochs_trained"], to - from);
    EXPECT_DOUBLE_EQ(result["seconds"].get<double>(), 3.0 * (to - from));
    ++checked;
    resumed += from > 0;
  }
  EXPECT_EQ(checked, 60);
  EXPECT_GT(resumed, 0);
}

TEST(SimulateCli, ABrokenBlackboxEndsTheRunNamingItsLineAndKeepsWhatWasCommitted) {
  const std::filesystem::path dir = FreshDir();
  WriteFile(dir / "space.toml", kSpace);
  WriteFile(dir / "bb.py", Blackbox(/*broken_after=*/10));
  RunResult run = RunRungs({"simulate", "--blackbox", "/usr/bin/python3 " + (dir / "bb.py").string(), "--space",
                        (dir / "space.toml").string(), "--workers", "4", "--jobs", "60", "--journal",
                        (dir / "j.db").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr("stdout line 11 (the answer to request 11): not JSON: "
                                 "'warming up'"));
  Result<store::Database> db = store::Database::Open((dir / "j.db").string(), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.message();
  Result<store::Statement> count = db->Prepare("SELECT count(*) FROM results");
  ASSERT_TRUE(*count->Step());
  EXPECT_GE(count->Int(0), 5);  // answered jobs that finished before the bad line
}

TEST(SimulateCli, BlackboxFlagsThatDoNotFitAreRefusedByName) {
  const std::filesystem::path dir = FreshDir();
  WriteFile(dir / "space.toml", kSpace);
  WriteFile(dir / "bb.py", Blackbox());
  const std::string blackbox = "/usr/bin/python3 " + (dir / "bb.py").string();
  struct Case {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"--blackbox", blackbox}, "--blackbox needs --space FILE"},
      {{"--space", (dir / "space.toml").string()}, "--space needs --blackbox"},
      {{"--blackbox", blackbox, "--space", (dir / "space.toml").string(), "--noise", "0.1"},
       "--noise excludes --blackbox"},
      {{"--blackbox", blackbox, "--space", (dir / "space.toml").string(), "--failure-rate", "0.1"},
       "--failure-rate is for the synthetic objective only"},
      {{"--blackbox", "python3 'bb.py", "--space", (dir / "space.toml").string()}, "--blackbox: "},
      {{"--blackbox", (dir / "none").string(), "--space", (dir / "space.toml").string()}, "cannot start"},
      {{"--blackbox", blackbox, "--space", (dir / "none.toml").string()}, "--space: cannot read"},
      {{"--blackbox", blackbox, "--space", (dir / "space.toml").string(), "--blackbox-timeout", "0"},
       "--blackbox-timeout must be positive"},
      {{"--budget-epochs", "-1"}, "--budget-epochs must not be negative"},
      {{"--budget-seconds", "-1"}, "--budget-seconds must not be negative"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"simulate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult run = RunRungs(args);
    EXPECT_NE(run.exit_code, 0) << c.message;
    EXPECT_THAT(run.err, HasSubstr(c.message));
    EXPECT_EQ(run.out, "") << c.message;
  }
}

// The epochs every result in the journal at `path` trained.
int64_t EpochsTrained(const std::string& path) {
  Result<store::Database> db = store::Database::Open(path, store::Database::Mode::kReadOnly);
  EXPECT_TRUE(db.ok()) << db.message();
  if (!db.ok()) return 0;
  Result<store::Statement> rows = db->Prepare("SELECT result FROM results");
  int64_t epochs = 0;
  while (*rows->Step()) epochs += nlohmann::json::parse(rows->Text(0))["epochs_trained"].get<int64_t>();
  return epochs;
}

TEST(SimulateCli, BudgetEpochsBoundsTheEpochsTrained) {
  const std::filesystem::path dir = FreshDir();
  RunResult run = RunRungs({"simulate", "--workers", "16", "--jobs", "100000", "--budget-epochs", "500",
                        "--journal", (dir / "j.db").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["stopped_because"], "done");
  const int64_t epochs = EpochsTrained((dir / "j.db").string());
  EXPECT_LE(epochs, 500);
  EXPECT_GT(epochs, 500 - 27);  // a job of at most R epochs no longer fitted
}

// An extend request waiting in the inbox is taken by the next run, which
// spends the raised budget; later resumes replay it (a replay with the
// first budget would diverge where the journal has jobs beyond it).
TEST(SimulateCli, AnExtendRequestRaisesTheBudgetAndLaterResumesReplayIt) {
  const std::filesystem::path dir = FreshDir();
  const std::string journal = (dir / "j.db").string();
  const std::vector<std::string> args = {"simulate", "--workers", "16", "--jobs", "100000",
                                         "--budget-epochs", "300", "--journal", journal};
  ASSERT_EQ(RunRungs(args).exit_code, 0);
  EXPECT_LE(EpochsTrained(journal), 300);
  Result<int64_t> more = store::PostRequest(journal, store::RequestKind::kExtend, R"({"epochs":200})");
  Result<int64_t> lacking = store::PostRequest(journal, store::RequestKind::kExtend, R"({"dollars":1})");
  ASSERT_TRUE(more.ok() && lacking.ok());

  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  RunResult resumed = RunRungs(resume);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(store::RequestOutcome(journal, *more)->value_or("(pending)"), "ok");
  EXPECT_EQ(store::RequestOutcome(journal, *lacking)->value_or("(pending)"),
            "the run has no dollar budget");
  const int64_t epochs = EpochsTrained(journal);
  EXPECT_LE(epochs, 500);
  EXPECT_GT(epochs, 500 - 27);

  RunResult again = RunRungs(resume);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["jobs"], nlohmann::json::parse(resumed.out)["jobs"]);
  EXPECT_EQ(EpochsTrained(journal), epochs);
}

TEST(SimulateCli, BudgetSecondsStopsStartingJobsAtThatVirtualTime) {
  const std::filesystem::path dir = FreshDir();
  RunResult run = RunRungs({"simulate", "--workers", "16", "--jobs", "100000",
                            "--budget-seconds", "200", "--journal", (dir / "j.db").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["stopped_because"], "done");  // the scheduler's budget ran out
  Result<store::Database> db = store::Database::Open((dir / "j.db").string(), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.message();
  Result<store::Statement> last = db->Prepare("SELECT max(now) FROM jobs");
  ASSERT_TRUE(*last->Step());
  EXPECT_LT(last->Double(0), 200);  // every job started before 200 s
  EXPECT_GT(report["virtual_seconds"].get<double>(), 150);
}

TEST(SimulateCli, SchedulerOptionsReachTheSchedulerAndTheFlagsDecideTheirOwnFields) {
  const std::filesystem::path dir = FreshDir();
  RunResult run = RunRungs({"simulate", "--jobs", "200", "--eta", "2", "--journal", (dir / "j.db").string(),
                            "--scheduler-options",
                            R"({"pasha": {"enabled": true, "epsilon": 0.5}, "eta": 4})"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Result<store::Database> db = store::Database::Open((dir / "j.db").string(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.message();
  Result<store::Statement> row = db->Prepare("SELECT options_json FROM experiment");
  ASSERT_TRUE(*row->Step());
  nlohmann::json options = nlohmann::json::parse(row->Text(0));
  EXPECT_EQ(options["pasha"]["enabled"], true);
  EXPECT_EQ(options["pasha"]["epsilon"], 0.5);
  EXPECT_EQ(options["eta"], 2);
}

}  // namespace
}  // namespace rungs::driver
