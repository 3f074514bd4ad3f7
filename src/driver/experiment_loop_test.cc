#include "driver/experiment_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "exec/simulated_executor.h"
#include "driver/replay.h"
#include "store/request_inbox.h"
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
      : ForwardingExecutor(inner), db_(store::Database::Open(path, store::Database::Mode::kReadWrite).value()) {}

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
      : ToyScheduler(30, 2), db_(store::Database::Open(path, store::Database::Mode::kReadWrite).value()) {}
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
  options.budget.jobs = 25;
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, nullptr, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "max_jobs");
  EXPECT_EQ(stats->progress.jobs, 25u);
  EXPECT_EQ(stats->progress.results, 25u);
  EXPECT_EQ(executor.running(), 0);
}

// Submitting each job takes a virtual second, as the memory gate's
// predictions take real ones on a busy machine.
class SlowSubmitExecutor : public ForwardingExecutor {
 public:
  using ForwardingExecutor::ForwardingExecutor;
  Status Submit(const job::Job& job) override {
    ++submitted;
    return inner_.Submit(job);
  }
  double Now() const override { return inner_.Now() + submitted; }
  int submitted = 0;
};

// Eight jobs are journaled at once; four are submitted (at 0, 1, 2 and 3 s)
// before the 3.5 s wall budget ends, and the other four never start: they
// are journaled as abandoned, and the journal still replays.
TEST(ExperimentLoop, NoJobIsSubmittedOnceTheWallBudgetHasEnded) {
  const std::filesystem::path dir = FreshDir();
  const std::string path = (dir / "journal.db").string();
  Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(3));
  ASSERT_TRUE(journal.ok()) << journal.message();
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor simulated(objective, 8, job::Promotion::kResume);
  SlowSubmitExecutor executor(simulated);
  ToyScheduler scheduler(1000, 3);
  LoopOptions options;
  options.budget.seconds = 3.5;
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "max_seconds");
  EXPECT_EQ(executor.submitted, 4);
  EXPECT_EQ(stats->progress.jobs, 8u);
  EXPECT_EQ(stats->progress.results, 8u);
  Result<store::Database> db = store::Database::Open(path, store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.message();
  Result<store::Statement> abandoned = db->Prepare(
      "SELECT count(*) FROM results WHERE outcome = 'abandoned' AND "
      "result LIKE '%the wall budget ended before it started%'");
  ASSERT_TRUE(abandoned.ok()) << abandoned.message();
  ASSERT_TRUE(*abandoned->Step());
  EXPECT_EQ(abandoned->Int(0), 4);
  Result<Replayed> replayed = Replay(
      *journal,
      [](const store::ExperimentRecord&) -> Result<std::unique_ptr<sched::Scheduler>> {
        return std::unique_ptr<sched::Scheduler>(new ToyScheduler(1000, 3));
      },
      options.budget);
  ASSERT_TRUE(replayed.ok()) << replayed.message();
  EXPECT_TRUE(replayed->resume.outstanding.empty());
}

TEST(ExperimentLoop, StopRequestEndsTheRun) {
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 3, job::Promotion::kResume);
  ToyScheduler scheduler(1000, 3);
  LoopOptions options;
  int polls = 0;
  options.stop_requested = [&](const RunBudget&) -> std::optional<StopReason> {
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

// The events of kind `kind` in the journal, by detail.
std::vector<std::string> EventDetails(const store::Journal& journal, store::EventKind kind) {
  std::vector<std::string> details;
  Status status = journal.Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kEvent && e.event == kind) details.push_back(e.detail);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.message();
  return details;
}

// The outcome the driver wrote on request `id`.
std::string OutcomeOf(const std::string& path, int64_t id) {
  Result<std::optional<std::string>> outcome = store::RequestOutcome(path, id);
  EXPECT_TRUE(outcome.ok()) << outcome.message();
  return outcome.ok() && *outcome ? **outcome : "(pending)";
}

TEST(ExperimentLoop, StopRequestInTheInboxStopsStartingJobs) {
  std::filesystem::path dir = FreshDir();
  std::string path = (dir / "j.db").string();
  Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(3));
  ASSERT_TRUE(journal.ok());
  Result<int64_t> id = store::PostRequest(path, store::RequestKind::kStop, "{}");
  ASSERT_TRUE(id.ok()) << id.message();
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
  ToyScheduler scheduler(1000, 3);
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, LoopOptions{}).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "stop requested");
  EXPECT_EQ(stats->progress.jobs, 0u);  // taken before the first Next
  EXPECT_EQ(EventDetails(*journal, store::EventKind::kStopRequested),
            std::vector<std::string>{"request " + std::to_string(*id)});
  EXPECT_EQ(OutcomeOf(path, *id), "ok");
  EXPECT_TRUE(journal->PendingRequests()->empty());
}

// Posts a stop request through its own connection once `after` jobs ran,
// as the dashboard does while a run writes the journal.
class PostingExecutor : public ForwardingExecutor {
 public:
  PostingExecutor(exec::Executor& inner, std::string path, int after)
      : ForwardingExecutor(inner), path_(std::move(path)), left_(after) {}
  Status Submit(const job::Job& job) override {
    if (--left_ == 0) {
      Result<int64_t> id = store::PostRequest(path_, store::RequestKind::kStop, "{}");
      EXPECT_TRUE(id.ok()) << id.message();
    }
    return inner_.Submit(job);
  }

 private:
  std::string path_;
  int left_;
};

TEST(ExperimentLoop, RequestPostedWhileRunningIsTaken) {
  std::filesystem::path dir = FreshDir();
  std::string path = (dir / "j.db").string();
  Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(8));
  ASSERT_TRUE(journal.ok());
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor simulated(objective, 2, job::Promotion::kResume);
  PostingExecutor executor(simulated, path, 10);
  ToyScheduler scheduler(100000, 8);
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, LoopOptions{}).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "stop requested");
  EXPECT_EQ(EventDetails(*journal, store::EventKind::kStopRequested).size(), 1u);
}

TEST(ExperimentLoop, ExtendRequestRaisesTheBudgetItHasAndSurvivesAResume) {
  std::filesystem::path dir = FreshDir();
  std::string path = (dir / "j.db").string();
  Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(4));
  ASSERT_TRUE(journal.ok());
  auto post = [&](const char* detail) {
    Result<int64_t> id = store::PostRequest(path, store::RequestKind::kExtend, detail);
    EXPECT_TRUE(id.ok()) << id.message();
    return id.ok() ? *id : 0;
  };
  const int64_t jobs = post(R"({"jobs":7})");
  const int64_t negative = post(R"({"jobs":-1})");
  const int64_t epochs = post(R"({"epochs":10})");
  const int64_t trials = post(R"({"trials":5,"jobs":1})");
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 3, job::Promotion::kResume);
  ToyScheduler scheduler(1000, 3);
  LoopOptions options;
  options.budget.jobs = 20;
  options.budget.trials = 1000;  // the toy's
  Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "max_jobs");
  EXPECT_EQ(stats->progress.jobs, 28u);
  EXPECT_EQ(stats->progress.budget.jobs, 28u);
  EXPECT_EQ(stats->progress.budget.trials, 1005);
  EXPECT_EQ(OutcomeOf(path, jobs), "ok");
  EXPECT_THAT(OutcomeOf(path, negative), HasSubstr("'jobs' must be a whole number > 0"));
  EXPECT_EQ(OutcomeOf(path, epochs), "the run has no epoch budget");
  EXPECT_EQ(OutcomeOf(path, trials), "ok");
  std::vector<std::string> changes = EventDetails(*journal, store::EventKind::kBudgetChanged);
  ASSERT_EQ(changes.size(), 2u);
  Result<BudgetChange> first = ParseBudgetDetail(changes[0], {});
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(first->budget.jobs, 27u);
  EXPECT_EQ(first->by, "request " + std::to_string(jobs));
  // A resume keeps the extension: replay hands the raised budget to the next loop.
  Result<Replayed> replayed = Replay(
      *journal,
      [](const store::ExperimentRecord&) -> Result<std::unique_ptr<sched::Scheduler>> {
        return std::unique_ptr<sched::Scheduler>(new ToyScheduler(1000, 3));
      },
      options.budget);
  ASSERT_TRUE(replayed.ok()) << replayed.message();
  EXPECT_EQ(replayed->budget, stats->progress.budget);
}

TEST(ExperimentLoop, EvolveRequestSwitchesEvolutionOnOnce) {
  std::filesystem::path dir = FreshDir();
  std::string path = (dir / "j.db").string();
  Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(5));
  ASSERT_TRUE(journal.ok());
  Result<int64_t> first = store::PostRequest(path, store::RequestKind::kEvolve, "{}");
  Result<int64_t> second = store::PostRequest(path, store::RequestKind::kEvolve, "{}");
  ASSERT_TRUE(first.ok() && second.ok());
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
  ToyScheduler scheduler(30, 6);
  ASSERT_TRUE(ExperimentLoop(scheduler, executor, &*journal, LoopOptions{}).Run().ok());
  EXPECT_EQ(EventDetails(*journal, store::EventKind::kEvolutionEnabled).size(), 1u);
  EXPECT_EQ(OutcomeOf(path, *first), "ok");
  EXPECT_EQ(OutcomeOf(path, *second), "evolution is already on");
}

// Never done and never gives a job: the loop must say so, not spin.
class StuckScheduler : public sched::Scheduler {
 public:
  std::optional<job::Job> Next(double) override { return std::nullopt; }
  void Report(const job::JobResult&, double) override {}
  bool Done() const override { return false; }
  void SetBudget(const sched::BudgetLimits&) override {}
  void CheckpointsLost() override {}
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
