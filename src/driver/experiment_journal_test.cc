#include "driver/experiment_journal.h"

#include <filesystem>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "driver/simulation.h"
#include "exec/simulated_executor.h"
#include "testing/experiments.h"
#include "testing/temp_dir.h"

namespace rungs::driver {
namespace {

using ::testing::HasSubstr;
using testing::FreshDir;

store::ExperimentRecord Record(const std::string& method) {
  return testing::SimulationExperiment(method, 40, 5);
}

std::vector<store::JournalEntry> Events(const store::Journal& journal) {
  std::vector<store::JournalEntry> events;
  Status read = journal.Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kEvent) events.push_back(e);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  return events;
}

TEST(OpenExperiment, ABadRecordLeavesNoJournalBehind) {
  const std::filesystem::path dir = FreshDir();
  Result<Experiment> opened = OpenExperiment((dir / "j.db").string(), Record("bohb"));
  EXPECT_THAT(opened.message(), HasSubstr("unknown scheduling method 'bohb'"));
  EXPECT_FALSE(std::filesystem::exists((dir / "j.db").string()));
}

TEST(OpenExperiment, ResumeRebuildsTheJournaledSchedulerAndSaysSo) {
  const std::filesystem::path dir = FreshDir();
  uint64_t jobs_before = 0;
  {
    Result<Experiment> fresh = OpenExperiment((dir / "j.db").string(), Record("asha"));
    ASSERT_TRUE(fresh.ok()) << fresh.message();
    exec::SyntheticObjective objective(exec::SimulationDimensions(), exec::ObjectiveOptions{});
    exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
    LoopOptions options;
    options.budget.jobs = 30;
    Result<LoopStats> stats =
        ExperimentLoop(*fresh->scheduler, executor, &*fresh->journal, options).Run();
    ASSERT_TRUE(stats.ok()) << stats.message();
    jobs_before = stats->progress.jobs;
    ASSERT_TRUE(JournalFinished(*fresh->journal, {stats->stopped_because}, 1.5).ok());
  }
  Result<Experiment> resumed = OpenExperiment((dir / "j.db").string(), std::nullopt);
  ASSERT_TRUE(resumed.ok()) << resumed.message();
  EXPECT_EQ(resumed->record.scheduler, "asha");
  EXPECT_EQ(resumed->resume.jobs, jobs_before);
  std::vector<store::JournalEntry> events = Events(*resumed->journal);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, store::EventKind::kFinished);
  EXPECT_EQ(events[1].event, store::EventKind::kResumed);
  EXPECT_EQ(events[1].detail, "0 jobs reissued");
  Result<Finished> finished = ParseFinished(events[0].detail);
  ASSERT_TRUE(finished.ok()) << finished.message();
  EXPECT_EQ(finished->stopped_because, StopReason::kMaxJobs);
}

// Runs the experiment's loop to its end (the scheduler is done).
LoopStats RunToTheEnd(Experiment& experiment) {
  exec::SyntheticObjective objective(exec::SimulationDimensions(), exec::ObjectiveOptions{});
  exec::SimulatedExecutor executor(objective, 4, job::Promotion::kResume);
  Result<LoopStats> stats = ExperimentLoop(*experiment.scheduler, executor, &*experiment.journal,
                                           LoopOptions{}, experiment.resume)
                                .Run();
  EXPECT_TRUE(stats.ok()) << stats.message();
  return stats.ok() ? *stats : LoopStats{};
}

TEST(ChangeBudget, AResumedExperimentSpendsTheNewBudgetAndLaterResumesKeepIt) {
  const std::filesystem::path dir = FreshDir();
  for (const char* method : {"asha", "sha"}) {
    const std::string path = (dir / (std::string(method) + ".db")).string();
    uint64_t first = 0, second = 0;
    {
      Result<Experiment> fresh = OpenExperiment(path, Record(method));
      ASSERT_TRUE(fresh.ok()) << fresh.message();
      EXPECT_EQ(fresh->budget.trials, 40);
      first = RunToTheEnd(*fresh).progress.trials;
      EXPECT_GT(first, 0u);
      EXPECT_LE(first, 40u) << method;
    }
    {
      Result<Experiment> resumed = OpenExperiment(path, std::nullopt);
      ASSERT_TRUE(resumed.ok()) << resumed.message();
      ASSERT_TRUE(ChangeBudget(*resumed, {0, 70, 0}, "--resume").ok());
      second = RunToTheEnd(*resumed).progress.trials;
      EXPECT_GT(second, first) << method;
      EXPECT_LE(second, 70u) << method;
    }
    // Replay repeats the change: the journal's jobs beyond the first budget
    // replay, and the rebuilt scheduler has nothing left to do.
    Result<Experiment> again = OpenExperiment(path, std::nullopt);
    ASSERT_TRUE(again.ok()) << again.message();
    EXPECT_EQ(again->budget, (RunBudget{0, 70, 0}));
    EXPECT_EQ(again->resume.trials, second);
    EXPECT_TRUE(again->scheduler->Done()) << method;
    ASSERT_TRUE(ChangeBudget(*again, {0, 70, 0}, "--resume").ok());
    int changes = 0;
    for (const store::JournalEntry& e : Events(*again->journal)) {
      changes += e.event == store::EventKind::kBudgetChanged;
    }
    EXPECT_EQ(changes, 1) << "the same budget again is no change";
  }
}

TEST(OpenExperiment, ResumingWhatIsNotAJournalNamesTheFile) {
  const std::filesystem::path dir = FreshDir();
  EXPECT_THAT(OpenExperiment((dir / "none.db").string(), std::nullopt).message(), HasSubstr("none.db"));
}

TEST(Finished, DetailKeepsTheReasonAndTheDriversFacts) {
  const std::filesystem::path dir = FreshDir();
  Result<store::Journal> journal = store::Journal::Create((dir / "j.db").string(), Record("asha"));
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(JournalFinished(*journal, {StopReason::kBudgetDollars, {{"test_metric", 0.5}}}, 3).ok());
  std::vector<store::JournalEntry> events = Events(*journal);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].now, 3);
  Result<Finished> back = ParseFinished(events[0].detail);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->stopped_because, StopReason::kBudgetDollars);
  EXPECT_EQ(back->facts, (nlohmann::json{{"test_metric", 0.5}}));
  // Journals written before the detail was JSON hold the bare reason.
  Result<Finished> bare = ParseFinished("stop requested");
  ASSERT_TRUE(bare.ok()) << bare.message();
  EXPECT_EQ(bare->stopped_because, StopReason::kStopRequested);
  EXPECT_FALSE(ParseFinished("{\"stopped_because\": \"tired\"}").ok());
}

TEST(StopReason, EveryReasonHasItsOwnName) {
  std::set<std::string_view> names;
  for (StopReason reason : kStopReasons) {
    EXPECT_TRUE(names.insert(StopReasonName(reason)).second) << StopReasonName(reason);
    Result<StopReason> parsed = ParseStopReason(StopReasonName(reason));
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    EXPECT_EQ(*parsed, reason);
  }
}

TEST(Simulation, JournalsFinishedOnceWithItsStopReason) {
  const std::filesystem::path dir = FreshDir();
  SimulationOptions options;
  options.jobs = 200;
  options.workers = 8;
  options.journal = (dir / "j.db").string();
  Result<nlohmann::json> report = RunSimulation(options);
  ASSERT_TRUE(report.ok()) << report.message();
  Result<store::Journal> journal = store::Journal::Open(options.journal);
  ASSERT_TRUE(journal.ok());
  std::vector<store::JournalEntry> events = Events(*journal);
  ASSERT_EQ(events.size(), 1u);
  Result<Finished> finished = ParseFinished(events[0].detail);
  ASSERT_TRUE(finished.ok()) << finished.message();
  EXPECT_EQ(StopReasonName(finished->stopped_because), (*report)["stopped_because"]);
}

}  // namespace
}  // namespace rungs::driver
