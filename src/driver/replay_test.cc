#include "driver/replay.h"

#include <filesystem>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "exec/simulated_executor.h"
#include "store/sqlite.h"
#include "testing/executors.h"
#include "testing/experiments.h"
#include "testing/temp_dir.h"
#include "testing/toy_scheduler.h"

namespace rungs::driver {
namespace {

using testing::CrashingExecutor;
using testing::ForwardingExecutor;
using testing::ToyExperiment;
using testing::ToyObjective;
using testing::ToyScheduler;

using ::testing::HasSubstr;
using testing::FreshDir;

constexpr uint32_t kTrials = 60;

SchedulerFactory ToyFactory() {
  return [](const store::ExperimentRecord& e) -> Result<std::unique_ptr<sched::Scheduler>> {
    return std::unique_ptr<sched::Scheduler>(new ToyScheduler(kTrials, e.seed));
  };
}

TEST(Replay, ReplayMatchesLive) {
  const std::filesystem::path dir = FreshDir();
  Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), ToyExperiment(11));
  ASSERT_TRUE(journal.ok());
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 7, job::Promotion::kResume);
  ToyScheduler live(kTrials, 11);
  LoopOptions options;
  options.budget.jobs = 70;
  int polls = 0;
  options.evolution_requested = [&] { return ++polls >= 12; };
  ASSERT_TRUE(ExperimentLoop(live, executor, &*journal, options).Run().ok());

  Result<store::Journal> reopened = store::Journal::Open((dir / "j.db").string());
  ASSERT_TRUE(reopened.ok());
  Result<Replayed> replayed = Replay(*reopened, ToyFactory());
  ASSERT_TRUE(replayed.ok()) << replayed.message();
  sched::Scheduler& fresh = *replayed->scheduler;

  ASSERT_TRUE(live.best().has_value());
  ASSERT_TRUE(fresh.best().has_value());
  EXPECT_EQ(fresh.best()->trial, live.best()->trial);
  EXPECT_EQ(fresh.best()->rung, live.best()->rung);
  EXPECT_EQ(fresh.best()->metric, live.best()->metric);
  EXPECT_EQ(fresh.best()->config, live.best()->config);
  EXPECT_EQ(replayed->resume.jobs, 70u);
  EXPECT_EQ(replayed->resume.results, 70u);
  EXPECT_TRUE(replayed->resume.outstanding.empty());

  // The same next decisions, including the bred (evolved) configurations.
  double now = replayed->resume.now + 1;
  for (int i = 0; i < 20; ++i) {
    std::optional<job::Job> a = live.Next(now);
    std::optional<job::Job> b = fresh.Next(now);
    ASSERT_EQ(a.has_value(), b.has_value()) << "decision " << i;
    if (!a) break;
    EXPECT_TRUE(SameJob(*a, *b)) << "decision " << i;
  }
}

TEST(Replay, DivergenceIsAClearError) {
  const std::filesystem::path dir = FreshDir();
  Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), ToyExperiment(11));
  ASSERT_TRUE(journal.ok());
  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 3, job::Promotion::kResume);
  ToyScheduler live(kTrials, 11);
  LoopOptions options;
  options.budget.jobs = 10;
  ASSERT_TRUE(ExperimentLoop(live, executor, &*journal, options).Run().ok());

  SchedulerFactory other_seed = [](const store::ExperimentRecord&) {
    return Result<std::unique_ptr<sched::Scheduler>>(
        std::unique_ptr<sched::Scheduler>(new ToyScheduler(kTrials, 12)));
  };
  Result<Replayed> replayed = Replay(*journal, other_seed);
  ASSERT_FALSE(replayed.ok());
  EXPECT_THAT(replayed.message(), HasSubstr("j.db: seq 1: replay diverged"));
  EXPECT_THAT(replayed.message(), HasSubstr("\"config\""));
}

// Reads (job id -> metric) of every committed result through a separate
// connection, and the number of trials (rung-0 jobs) started.
struct Committed {
  std::map<int64_t, double> results;
  int64_t trials = 0;
  int64_t jobs = 0;
};

Committed ReadCommitted(const std::string& path) {
  Committed c;
  Result<store::Database> db = store::Database::Open(path, store::Database::Mode::kReadWrite);
  EXPECT_TRUE(db.ok()) << db.message();
  if (!db.ok()) return c;
  Result<store::Statement> rows = db->Prepare("SELECT job, coalesce(metric, -1) FROM results");
  if (!rows.ok()) return c;  // the child has not created the schema yet
  while (*rows->Step()) c.results[rows->Int(0)] = rows->Double(1);
  Result<store::Statement> jobs =
      db->Prepare("SELECT count(*), coalesce(sum(rung = 0), 0) FROM jobs");
  if (jobs.ok() && *jobs->Step()) {
    c.jobs = jobs->Int(0);
    c.trials = jobs->Int(1);
  }
  return c;
}

// Resumes a crashed journal to the end and checks what must hold: the
// outstanding jobs ran again under their ids, nothing committed was lost
// or doubled, and the trial budget was not spent twice.
void ResumeAndCheck(const std::string& path, const Committed& before_resume) {
  Result<store::Journal> journal = store::Journal::Open(path);
  ASSERT_TRUE(journal.ok()) << journal.message();
  Result<Replayed> replayed = Replay(*journal, ToyFactory());
  ASSERT_TRUE(replayed.ok()) << replayed.message();
  const ResumePoint& resume = replayed->resume;
  EXPECT_EQ(resume.results, before_resume.results.size());
  EXPECT_EQ(int64_t(resume.jobs), before_resume.jobs);
  EXPECT_EQ(resume.outstanding.size(), resume.jobs - resume.results);
  std::set<uint64_t> reissued;
  for (const job::Job& job : resume.outstanding) {
    EXPECT_EQ(before_resume.results.count(int64_t(job.id)), 0u) << "job " << job.id;
    reissued.insert(job.id);
  }

  exec::SyntheticObjective objective = ToyObjective();
  exec::SimulatedExecutor executor(objective, 5, job::Promotion::kResume);
  auto& scheduler = static_cast<ToyScheduler&>(*replayed->scheduler);
  ExperimentLoop loop(scheduler, executor, &*journal, LoopOptions{}, resume);
  Result<LoopStats> stats = loop.Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "done");

  Committed after = ReadCommitted(path);
  for (const auto& [job, metric] : before_resume.results) {
    ASSERT_EQ(after.results.count(job), 1u) << "committed result of job " << job << " lost";
    EXPECT_EQ(after.results.at(job), metric);
  }
  for (uint64_t id : reissued) EXPECT_EQ(after.results.count(int64_t(id)), 1u) << id;
  EXPECT_EQ(after.trials, int64_t(kTrials));  // no trial started twice
  EXPECT_EQ(after.results.size(), size_t(after.jobs));  // every job has one result
  for (const auto& [job, count] : scheduler.reports()) EXPECT_EQ(count, 1) << "job " << job;
}

TEST(Replay, CrashedRunResumesWithOutstandingJobsReissued) {
  const std::filesystem::path dir = FreshDir();
  std::string path = (dir / "j.db").string();
  {
    Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(21));
    ASSERT_TRUE(journal.ok());
    exec::SyntheticObjective objective = ToyObjective();
    exec::SimulatedExecutor simulated(objective, 6, job::Promotion::kResume);
    CrashingExecutor executor(simulated, 30);
    ToyScheduler scheduler(kTrials, 21);
    Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, LoopOptions{}).Run();
    ASSERT_FALSE(stats.ok());
    EXPECT_THAT(stats.message(), HasSubstr("simulated crash"));
  }
  Committed before = ReadCommitted(path);
  ASSERT_GE(before.results.size(), 30u);
  ASSERT_GT(before.jobs, int64_t(before.results.size()));  // some were running
  ResumeAndCheck(path, before);
}

// Slows the simulation down to real time so a kill lands mid-run.
class SlowExecutor : public ForwardingExecutor {
 public:
  using ForwardingExecutor::ForwardingExecutor;
  Result<std::vector<job::JobResult>> Wait(double timeout) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return inner_.Wait(timeout);
  }
};

TEST(Replay, SurvivesKillNineMidRun) {
  const std::filesystem::path dir = FreshDir();
  std::string path = (dir / "j.db").string();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child owns its own connection; it runs until it is killed.
    Result<store::Journal> journal = store::Journal::Create(path, ToyExperiment(31));
    if (!journal.ok()) _exit(3);
    exec::SyntheticObjective objective = ToyObjective();
    exec::SimulatedExecutor simulated(objective, 6, job::Promotion::kResume);
    SlowExecutor executor(simulated);
    ToyScheduler scheduler(kTrials, 31);
    Result<LoopStats> stats = ExperimentLoop(scheduler, executor, &*journal, LoopOptions{}).Run();
    _exit(stats.ok() ? 0 : 4);
  }
  // Kill it once a good share of results is committed.
  Committed seen;
  for (int i = 0; i < 2000 && seen.results.size() < 25; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!std::filesystem::exists(path)) continue;  // the child has not created it yet
    seen = ReadCommitted(path);
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "the child finished before it was killed";
  ASSERT_GE(seen.results.size(), 25u);

  // What was committed before the kill must all be there after it.
  Committed before = ReadCommitted(path);
  for (const auto& [job, metric] : seen.results) {
    ASSERT_EQ(before.results.count(job), 1u) << "result of job " << job << " lost by kill -9";
  }
  ResumeAndCheck(path, before);
}

}  // namespace
}  // namespace rungs::driver
