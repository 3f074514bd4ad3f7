#include "driver/experiment_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "exec/simulated_executor.h"
#include "store/sqlite.h"
#include "testing/executors.h"
#include "testing/experiments.h"
#include "testing/temp_dir.h"
#include "testing/toy_scheduler.h"

namespace rungs::driver {
namespace {

using testing::ForwardingExecutor;
using testing::ToyExperiment;
using testing::ToyObjective;
using testing::ToyScheduler;

using ::testing::HasSubstr;
using testing::FreshDir;

TEST(ExperimentLoop, RunsUntilTheSchedulerIsDone) {
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 8, job::Promotion::kResume);
  ToyScheduler scheduler(40, 1);
  ExperimentLoop loop(scheduler, executor, nullptr, LoopOptions{});
  Result<LoopStats> stats = loop.Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "done");
  EXPECT_EQ(stats->progress.trials, 40u);
  EXPECT_EQ(stats->progress.results, stats->progress.jobs);
  EXPECT_GT(stats->progress.jobs, 40u);  // some trials were promoted
  EXPECT_TRUE(scheduler.Done());
  EXPECT_GT(executor.Now(), 0);
  // The totals come back even without a progress callback.
  EXPECT_EQ(stats->progress.now, executor.Now());
  ASSERT_TRUE(stats->progress.best.has_value());
  EXPECT_EQ(stats->progress.best->rung, 2);
  // Each Next that gave a job and each Report is one decision, at least.
  EXPECT_GE(stats->decisions, 2 * stats->progress.jobs);
}

// Checks, through a second connection that only sees committed data, that
// every job is durable before it is submitted.
class CommitCheckingExecutor : public ForwardingExecutor {
 public:
  CommitCheckingExecutor(exec::Executor& inner, const std::string& path)
      : ForwardingExecutor(inner), db_(store::Database::Open(path, false).value()) {}

  Status Submit(const job::Job& job) override {
    Result<store::Statement> count = db_.Prepare("SELECT count(*) FROM jobs WHERE id = ?1");
    count->Bind(1, int64_t(job.id));
    EXPECT_TRUE(*count->Step());
    EXPECT_EQ(count->Int(0), 1) << "job " << job.id << " submitted before it was committed";
    ++checked;
    return inner_.Submit(job);
  }
  int checked = 0;

 private:
  store::Database db_;
};

// Checks that every result is durable before the scheduler sees it.
class CommitCheckingScheduler : public ToyScheduler {
 public:
  CommitCheckingScheduler(const std::string& path)
      : ToyScheduler(30, 2), db_(store::Database::Open(path, false).value()) {}
  void Report(const job::JobResult& result, double now) override {
    Result<store::Statement> count = db_.Prepare("SELECT count(*) FROM results WHERE job = ?1");
    count->Bind(1, int64_t(result.job));
    EXPECT_TRUE(*count->Step());
    EXPECT_EQ(count->Int(0), 1) << "result of job " << result.job << " reported uncommitted";
    ++checked;
    ToyScheduler::Report(result, now);
  }
  int checked = 0;

 private:
  store::Database db_;
};

TEST(ExperimentLoop, CommitsEveryJobBeforeSubmitAndEveryResultBeforeReport) {
  const std::filesystem::path dir = FreshDir();
  std::string path = (dir / "journal.db").string();
  Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(2));
  ASSERT_TRUE(journal.ok()) << journal.message();
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor simulated(objective, 4, job::Promotion::kResume);
  CommitCheckingExecutor executor(simulated, path);
  CommitCheckingScheduler scheduler(path);
  ExperimentLoop loop(scheduler, executor, &*journal, LoopOptions{});
  Result<LoopStats> stats = loop.Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(uint64_t(executor.checked), stats->progress.jobs);
  EXPECT_EQ(uint64_t(scheduler.checked), stats->progress.results);
  EXPECT_GT(scheduler.checked, 30);
}

TEST(ExperimentLoop, StopsStartingAtMaxJobsButFinishesRunningOnes) {
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 6, job::Promotion::kResume);
  ToyScheduler scheduler(1000, 3);
  LoopOptions options;
  options.max_jobs = 25;
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, nullptr, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "max_jobs");
  EXPECT_EQ(stats->progress.jobs, 25u);
  EXPECT_EQ(stats->progress.results, 25u);
  EXPECT_EQ(executor.running(), 0);
}

TEST(ExperimentLoop, StopRequestEndsTheRun) {
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 3, job::Promotion::kResume);
  ToyScheduler scheduler(1000, 3);
  LoopOptions options;
  int polls = 0;
  options.stop_requested = [&]() -> std::optional<StopReason> {
    if (++polls > 10) return StopReason::kStopRequested;
    return std::nullopt;
  };
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, nullptr, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "stop requested");
  EXPECT_LT(stats->progress.jobs, 40u);
  EXPECT_EQ(stats->progress.results, stats->progress.jobs);
}

TEST(ExperimentLoop, ProgressIsThrottledByWallClockAndEndsWithTheTotals) {
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
  ToyScheduler scheduler(60, 4);
  LoopOptions options;
  options.progress_interval = 3600;  // far longer than the run
  std::vector<Progress> calls;
  options.on_progress = [&](const Progress& p) { calls.push_back(p); };
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, nullptr, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  // One in the first round, one forced at the end; none per result.
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls.back().results, stats->progress.jobs);
  EXPECT_EQ(calls.back().running, 0u);
  ASSERT_TRUE(calls.back().best.has_value());
  EXPECT_EQ(calls.back().best->rung, 2);
}

// Delivers every result twice, as a retried invocation might.
class DoublingExecutor : public ForwardingExecutor {
 public:
  using ForwardingExecutor::ForwardingExecutor;
  Result<std::vector<job::JobResult>> Wait(double timeout) override {
    Result<std::vector<job::JobResult>> results = inner_.Wait(timeout);
    if (!results.ok()) return results;
    std::vector<job::JobResult> doubled = *results;
    doubled.insert(doubled.end(), results->begin(), results->end());
    return doubled;
  }
};

TEST(ExperimentLoop, DuplicateResultsAreIgnored) {
  const std::filesystem::path dir = FreshDir();
  Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), ToyExperiment(5));
  ASSERT_TRUE(journal.ok());
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor simulated(objective, 5, job::Promotion::kResume);
  DoublingExecutor executor(simulated);
  ToyScheduler scheduler(30, 5);
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, LoopOptions{}).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(stats->progress.duplicates, stats->progress.results);
  for (const auto& [job, count] : scheduler.reports()) EXPECT_EQ(count, 1) << "job " << job;
  Result<store::JournalSummary> summary = journal->Summary();
  EXPECT_EQ(summary->results, stats->progress.results);
}

TEST(ExperimentLoop, EvolutionRequestIsJournaledOnce) {
  const std::filesystem::path dir = FreshDir();
  Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), ToyExperiment(6));
  ASSERT_TRUE(journal.ok());
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
  ToyScheduler scheduler(30, 6);
  LoopOptions options;
  int polls = 0;
  options.evolution_requested = [&] { return ++polls >= 5; };
  ASSERT_TRUE(ExperimentLoop(scheduler, executor, &*journal, options).Run().ok());
  int events = 0;
  ASSERT_TRUE(journal
                  ->Replay([&](const store::JournalEntry& e) {
                    if (e.kind == store::JournalEntry::Kind::kEvent &&
                        e.event == store::EventKind::kEvolutionEnabled) {
                      ++events;
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(events, 1);
}

// Never done and never gives a job: the loop must say so, not spin.
class StuckScheduler : public sched::Scheduler {
 public:
  std::optional<job::Job> Next(double) override { return std::nullopt; }
  void Report(const job::JobResult&, double) override {}
  bool Done() const override { return false; }
  void SetBudget(const sched::BudgetLimits&) override {}
  std::optional<sched::Best> best() const override { return std::nullopt; }
};

TEST(ExperimentLoop, StalledSchedulerIsAnError) {
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
  StuckScheduler scheduler;
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, nullptr, LoopOptions{}).Run();
  ASSERT_FALSE(stats.ok());
  EXPECT_THAT(stats.message(), HasSubstr("stalled"));
}

}  // namespace
}  // namespace rungs::driver
