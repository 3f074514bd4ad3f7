// Replay and resume with the real schedulers (sched::MakeScheduler) on the
// simulation space, every method.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "driver/experiment_journal.h"
#include "driver/options_json.h"
#include "driver/replay.h"
#include "driver/scheduler_from_record.h"
#include "exec/simulated_executor.h"
#include "exec/simulation_space.h"
#include "store/sqlite.h"
#include "testing/executors.h"
#include "testing/experiments.h"
#include "testing/temp_dir.h"

namespace rungs::driver {
namespace {

using testing::CrashingExecutor;
using testing::ForwardingExecutor;
using testing::SimulationExperiment;

using testing::FreshDir;

exec::SyntheticObjective Objective() {
  exec::ObjectiveOptions o;
  o.seed = 99;
  o.failure_rate = 0.02;  // failures must replay too
  return exec::SyntheticObjective(exec::SimulationDimensions(), o);
}

// `method`, or `method+pasha` with PASHA's adaptive top rung, or
// `method+pending` with the model's pending trials.
store::ExperimentRecord RecordWithParam(const std::string& param) {
  const size_t plus = param.find('+');
  store::ExperimentRecord r = SimulationExperiment(param.substr(0, plus), 100000, 99);
  nlohmann::json options = nlohmann::json::parse(r.options_json);
  if (param.ends_with("+pasha")) options["pasha"]["enabled"] = true;
  if (param.ends_with("+pending")) options["model"]["pending"] = 64;
  r.options_json = options.dump();
  return r;
}

class EveryMethod : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryMethod, ReplayMatchesLive) {
  const std::filesystem::path dir = FreshDir();
  store::ExperimentRecord record = RecordWithParam(GetParam());
  Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), record);
  ASSERT_TRUE(journal.ok()) << journal.message();
  Result<std::unique_ptr<sched::Scheduler>> live = MakeSchedulerFromRecord(record);
  ASSERT_TRUE(live.ok()) << live.message();
  exec::SyntheticObjective objective = Objective();
  exec::SimulatedExecutor executor(objective, 40, job::Promotion::kResume);
  LoopOptions options;
  options.budget.jobs = 600;
  int polls = 0;  // outlives the loop that calls evolution_requested
  if (GetParam() == "asha") {
    options.evolution_requested = [&polls] { return ++polls == 200; };
  }
  Result<LoopStats> stats = ExperimentLoop(**live, executor, &*journal, options).Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  ASSERT_EQ(stats->progress.jobs, 600u);

  Result<store::Journal> reopened = store::Journal::Open((dir / "j.db").string());
  ASSERT_TRUE(reopened.ok());
  Result<Replayed> replayed = Replay(*reopened, MakeSchedulerFromRecord);
  ASSERT_TRUE(replayed.ok()) << replayed.message();
  sched::Scheduler& fresh = *replayed->scheduler;
  ASSERT_EQ((*live)->best().has_value(), fresh.best().has_value());
  if (fresh.best()) {
    EXPECT_EQ(fresh.best()->trial, (*live)->best()->trial);
    EXPECT_EQ(fresh.best()->rung, (*live)->best()->rung);
    EXPECT_EQ(fresh.best()->metric, (*live)->best()->metric);
  }
  EXPECT_EQ(fresh.Done(), (*live)->Done());
  double now = replayed->resume.now + 10;
  for (int i = 0; i < 50; ++i) {
    std::optional<job::Job> a = (*live)->Next(now);
    std::optional<job::Job> b = fresh.Next(now);
    ASSERT_EQ(a.has_value(), b.has_value()) << "decision " << i;
    if (!a) break;
    ASSERT_TRUE(SameJob(*a, *b)) << "decision " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryMethod,
                         ::testing::Values("asha-evo", "asha-tpe", "asha-tpe+pasha", "asha-tpe+pending",
                                           "asha-evo+pasha", "asha", "random", "sha",
                                           "hyperband"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::erase(name, '-');
                           std::replace(name.begin(), name.end(), '+', '_');
                           return name;
                         });

TEST(SchedulerResume, TrialBudgetIsNotSpentTwiceAfterACrash) {
  const std::filesystem::path dir = FreshDir();
  const int64_t kTrials = 150;
  store::ExperimentRecord record = SimulationExperiment("asha-evo", kTrials, 99);
  {
    Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), record);
    ASSERT_TRUE(journal.ok());
    Result<std::unique_ptr<sched::Scheduler>> scheduler = MakeSchedulerFromRecord(record);
    ASSERT_TRUE(scheduler.ok());
    exec::SyntheticObjective objective = Objective();
    exec::SimulatedExecutor simulated(objective, 30, job::Promotion::kResume);
    CrashingExecutor executor(simulated, 60);
    ASSERT_FALSE(ExperimentLoop(**scheduler, executor, &*journal, LoopOptions{}).Run().ok());
  }
  Result<store::Journal> journal = store::Journal::Open((dir / "j.db").string());
  ASSERT_TRUE(journal.ok());
  Result<Replayed> replayed = Replay(*journal, MakeSchedulerFromRecord);
  ASSERT_TRUE(replayed.ok()) << replayed.message();
  EXPECT_EQ(replayed->resume.outstanding.size(), 30u);  // every worker was busy
  exec::SyntheticObjective objective = Objective();
  exec::SimulatedExecutor executor(objective, 30, job::Promotion::kResume);
  Result<LoopStats> stats =
      ExperimentLoop(*replayed->scheduler, executor, &*journal, LoopOptions{}, replayed->resume)
          .Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(StopReasonName(stats->stopped_because), "done");
  EXPECT_EQ(stats->progress.trials, uint64_t(kTrials));

  Result<store::Database> db = store::Database::Open((dir / "j.db").string(), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  Result<store::Statement> counts = db->Prepare(
      "SELECT (SELECT count(*) FROM jobs WHERE rung = 0), (SELECT count(*) FROM jobs), "
      "(SELECT count(*) FROM results), "
      "(SELECT count(*) FROM jobs WHERE id NOT IN (SELECT job FROM results))");
  ASSERT_TRUE(counts.ok());
  ASSERT_TRUE(*counts->Step());
  EXPECT_EQ(counts->Int(0), kTrials);            // no trial started twice
  EXPECT_EQ(counts->Int(1), counts->Int(2));     // one result per job
  EXPECT_EQ(counts->Int(3), 0);                  // none left unfinished
}

// The executor of a process started by a resume: the trials paused before it
// lost their in-memory checkpoints, so the first promotion of each retrains
// from scratch, epochs_from more epochs than the job asked for.
class LostCheckpoints : public ForwardingExecutor {
 public:
  LostCheckpoints(exec::Executor& inner, uint64_t paused) : ForwardingExecutor(inner), paused_(paused) {}
  Status Submit(const job::Job& job) override {
    if (job.trial < paused_ && seen_.insert(job.trial).second) extra_[job.id] = job.epochs_from;
    return inner_.Submit(job);
  }
  Result<std::vector<job::JobResult>> Wait(double timeout) override {
    Result<std::vector<job::JobResult>> results = inner_.Wait(timeout);
    if (!results.ok()) return results;
    for (job::JobResult& r : *results) {
      r.epochs_trained += extra_[r.job];
      retrained_ += extra_[r.job];
    }
    return results;
  }
  int64_t retrained() const { return retrained_; }

 private:
  uint64_t paused_;
  std::set<uint32_t> seen_;
  std::map<uint64_t, int> extra_;
  int64_t retrained_ = 0;
};

int64_t EpochsTrained(const store::Journal& journal) {
  int64_t epochs = 0;
  Status read = journal.Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kResult) epochs += e.result.epochs_trained;
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  return epochs;
}

// Asynchronous methods promote the first run's paused trials after a
// resume; a synchronous round ends with its run (sched tests cover its
// reservations).
class EpochBudgetOnResume : public ::testing::TestWithParam<std::string> {};

TEST_P(EpochBudgetOnResume, HoldsWhenPausedTrialsRetrainFromScratch) {
  const std::string path = (FreshDir() / "j.db").string();
  store::ExperimentRecord record = SimulationExperiment(GetParam(), 0, 99);
  nlohmann::json options = nlohmann::json::parse(record.options_json);
  options["budget_epochs"] = 300;
  record.options_json = options.dump();
  exec::SyntheticObjective objective = Objective();
  uint64_t paused = 0;
  {
    Result<Experiment> first = OpenExperiment(path, record);
    ASSERT_TRUE(first.ok()) << first.message();
    exec::SimulatedExecutor executor(objective, 20, job::Promotion::kResume);
    Result<LoopStats> stats =
        ExperimentLoop(*first->scheduler, executor, &*first->journal, LoopOptions{}).Run();
    ASSERT_TRUE(stats.ok()) << stats.message();
    paused = stats->progress.trials;
  }
  Result<Experiment> resumed = OpenExperiment(path, std::nullopt);
  ASSERT_TRUE(resumed.ok()) << resumed.message();
  RunBudget more = resumed->budget;
  more.epochs = 400;
  ASSERT_TRUE(ChangeBudget(*resumed, more, "--resume").ok());
  // Enough workers to issue the whole new budget at once, while the
  // retraining promotions are still running.
  exec::SimulatedExecutor simulated(objective, 100, job::Promotion::kResume);
  LostCheckpoints executor(simulated, paused);
  Result<LoopStats> stats = ExperimentLoop(*resumed->scheduler, executor, &*resumed->journal,
                                           LoopOptions{}, resumed->resume)
                                .Run();
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_GT(executor.retrained(), 0) << "no paused trial was promoted";
  const int64_t trained = EpochsTrained(*resumed->journal);
  EXPECT_LE(trained, 400);
  EXPECT_GT(trained, 350) << "the budget was not spent";

  // A second resume replays the first one's CheckpointsLost: no divergence.
  Result<Experiment> again = OpenExperiment(path, std::nullopt);
  ASSERT_TRUE(again.ok()) << again.message();
}

INSTANTIATE_TEST_SUITE_P(Methods, EpochBudgetOnResume,
                         ::testing::Values("asha-tpe", "asha", "asha-evo"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace rungs::driver
