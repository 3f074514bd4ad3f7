#include "exec/simulated_executor.h"

#include <cmath>

#include <gtest/gtest.h>

#include "exec/synthetic_objective.h"

namespace rungs::exec {
namespace {

using job::Job;
using job::Promotion;

// Two linear dimensions; the second sets the seconds per epoch.
std::vector<Dimension> TwoDims() {
  return {{Dimension::Kind::kLinear, 0, 1, 0}, {Dimension::Kind::kLinear, 0, 1, 0}};
}

Job MakeJob(uint64_t id, double speed_unit, int from, int to) {
  Job job;
  job.id = id;
  job.trial = uint32_t(id);
  job.epochs_from = from;
  job.epochs_to = to;
  job.config = {0.5, speed_unit};
  return job;
}

ObjectiveOptions Quiet() {
  ObjectiveOptions o;
  o.noise = 0;
  o.startup_seconds = 0;
  o.seconds_per_epoch = 1;
  return o;
}

TEST(SimulatedExecutor, ReturnsResultsInVirtualTimeOrder) {
  SyntheticObjective objective(TwoDims(), Quiet());
  SimulatedExecutor executor(objective, 4, Promotion::kResume);
  // Seconds per epoch = 0.25 + 1.5 u: job 1 is slowest, job 3 fastest.
  ASSERT_TRUE(executor.Submit(MakeJob(1, 1.0, 0, 4)).ok());   // 7 s
  ASSERT_TRUE(executor.Submit(MakeJob(2, 0.5, 0, 4)).ok());   // 4 s
  ASSERT_TRUE(executor.Submit(MakeJob(3, 0.0, 0, 4)).ok());   // 1 s
  std::vector<uint64_t> order;
  std::vector<double> times;
  while (executor.running() > 0) {
    auto results = executor.Wait(0);
    ASSERT_TRUE(results.ok());
    for (const auto& r : *results) {
      order.push_back(r.job);
      times.push_back(executor.Now());
      EXPECT_DOUBLE_EQ(r.seconds, executor.Now());  // all started at 0
    }
  }
  EXPECT_EQ(order, (std::vector<uint64_t>{3, 2, 1}));
  EXPECT_DOUBLE_EQ(times[0], 1.0);
  EXPECT_DOUBLE_EQ(times[1], 4.0);
  EXPECT_DOUBLE_EQ(times[2], 7.0);
}

TEST(SimulatedExecutor, JobsFinishingTogetherComeBackTogetherInSubmissionOrder) {
  SyntheticObjective objective(TwoDims(), Quiet());
  SimulatedExecutor executor(objective, 3, Promotion::kResume);
  ASSERT_TRUE(executor.Submit(MakeJob(9, 0.5, 0, 2)).ok());
  ASSERT_TRUE(executor.Submit(MakeJob(4, 0.5, 0, 2)).ok());
  ASSERT_TRUE(executor.Submit(MakeJob(6, 1.0, 0, 2)).ok());
  auto first = executor.Wait(0);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].job, 9u);
  EXPECT_EQ((*first)[1].job, 4u);
  EXPECT_DOUBLE_EQ(executor.Now(), 2.0);
  // A job submitted now starts now: it finishes after the earlier one.
  ASSERT_TRUE(executor.Submit(MakeJob(10, 0.0, 0, 1)).ok());  // 2.25
  auto second = executor.Wait(0);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].job, 10u);
  EXPECT_DOUBLE_EQ(executor.Now(), 2.25);
  EXPECT_TRUE(executor.Wait(0)->size() == 1u);
  EXPECT_TRUE(executor.Wait(0)->empty());  // nothing left: no time passes
  EXPECT_DOUBLE_EQ(executor.Now(), 3.5);
}

TEST(SimulatedExecutor, RefusesJobsBeyondCapacity) {
  SyntheticObjective objective(TwoDims(), Quiet());
  SimulatedExecutor executor(objective, 1, Promotion::kResume);
  ASSERT_TRUE(executor.Submit(MakeJob(1, 0.5, 0, 1)).ok());
  Status status = executor.Submit(MakeJob(2, 0.5, 0, 1));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("job 2"), std::string::npos);
}

TEST(SimulatedExecutor, RestartRetrainsEveryEpochResumeOnlyTheNewOnes) {
  SyntheticObjective objective(TwoDims(), Quiet());
  SimulatedExecutor resume(objective, 1, Promotion::kResume);
  SimulatedExecutor restart(objective, 1, Promotion::kRestart);
  ASSERT_TRUE(resume.Submit(MakeJob(1, 0.5, 3, 9)).ok());
  ASSERT_TRUE(restart.Submit(MakeJob(1, 0.5, 3, 9)).ok());
  auto a = *resume.Wait(0);
  auto b = *restart.Wait(0);
  EXPECT_EQ(a[0].epochs_trained, 6);
  EXPECT_EQ(b[0].epochs_trained, 9);
  EXPECT_DOUBLE_EQ(a[0].seconds, 6.0);
  EXPECT_DOUBLE_EQ(b[0].seconds, 9.0);
  EXPECT_DOUBLE_EQ(a[0].metric, b[0].metric);  // same curve, same epoch
}

// Counts the batches it is asked and answers each job with its id as the
// metric, taking one second per epoch; or fails when told to.
class CountingObjective : public Objective {
 public:
  Result<std::vector<job::JobResult>> Train(const std::vector<Job>& jobs,
                                              Promotion) override {
    batches.push_back(jobs.size());
    if (broken) return Fail("the objective broke");
    std::vector<job::JobResult> results;
    for (const Job& job : jobs) {
      job::JobResult r = job::ResultFor(job, job::Outcome::kOk);
      r.metric = double(job.id);
      r.seconds = job.epochs_to - job.epochs_from;
      results.push_back(r);
    }
    return results;
  }
  std::vector<size_t> batches;
  bool broken = false;
};

TEST(SimulatedExecutor, JobsSubmittedTogetherAreTrainedInOneBatch) {
  CountingObjective objective;
  SimulatedExecutor executor(objective, 8, Promotion::kResume);
  for (uint64_t id = 1; id <= 5; ++id) ASSERT_TRUE(executor.Submit(MakeJob(id, 0, 0, int(id))).ok());
  EXPECT_EQ(executor.running(), 5);
  EXPECT_TRUE(objective.batches.empty());  // nothing is trained before Wait
  auto first = executor.Wait(0);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].job, 1u);
  EXPECT_DOUBLE_EQ(executor.Now(), 1.0);
  // Two more at t = 1 finish at 1 + 1 and 1 + 3.
  ASSERT_TRUE(executor.Submit(MakeJob(6, 0, 0, 1)).ok());
  ASSERT_TRUE(executor.Submit(MakeJob(7, 0, 0, 3)).ok());
  std::vector<uint64_t> order;
  std::vector<double> at;
  while (executor.running() > 0) {
    auto done = executor.Wait(0);
    ASSERT_TRUE(done.ok());
    for (const auto& r : *done) {
      order.push_back(r.job);
      at.push_back(executor.Now());
    }
  }
  EXPECT_EQ(objective.batches, (std::vector<size_t>{5, 2}));
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 6, 3, 4, 7, 5}));  // 4 and 7 tie: submission order
  EXPECT_EQ(at, (std::vector<double>{2, 2, 3, 4, 4, 5}));
}

TEST(SimulatedExecutor, ABrokenObjectiveFailsTheWait) {
  CountingObjective objective;
  objective.broken = true;
  SimulatedExecutor executor(objective, 2, Promotion::kResume);
  ASSERT_TRUE(executor.Submit(MakeJob(1, 0, 0, 1)).ok());
  auto done = executor.Wait(0);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.message(), "the objective broke");
}

TEST(SyntheticObjective, OptimumReachesPeakAndDistanceCosts) {
  SyntheticObjective objective(TwoDims(), Quiet());
  const std::vector<double>& opt = objective.Optimum();
  space::Config best = {opt[0], opt[1]};
  EXPECT_DOUBLE_EQ(objective.Final(best), 0.95);
  space::Config off = {std::fmod(opt[0] + 0.3, 1.0), opt[1]};
  EXPECT_LT(objective.Final(off), 0.95 * 0.9);
  // Inactive (NaN) parameters count as optimal, not as failures.
  EXPECT_DOUBLE_EQ(objective.Final({opt[0], std::nan("")}), 0.95);
}

TEST(SyntheticObjective, CurvesRiseWithEpochsTowardsTheFinalValue) {
  SyntheticObjective objective(TwoDims(), Quiet());
  space::Config config = {0.7, 0.3};
  double previous = -1;
  for (int e : {1, 3, 9, 27, 81}) {
    double m = objective.Metric(config, 5, e);
    EXPECT_GT(m, previous) << "epoch " << e;
    previous = m;
  }
  EXPECT_NEAR(objective.Metric(config, 5, 10000), objective.Final(config), 1e-9);
}

TEST(SyntheticObjective, NoiseIsSeededAndSmall) {
  ObjectiveOptions noisy = Quiet();
  noisy.noise = 0.01;
  SyntheticObjective a(TwoDims(), noisy), b(TwoDims(), noisy);
  space::Config config = {0.4, 0.4};
  EXPECT_EQ(a.Metric(config, 3, 9), b.Metric(config, 3, 9));
  EXPECT_NE(a.Metric(config, 3, 9), a.Metric(config, 4, 9));
  double sum_sq = 0;
  SyntheticObjective quiet(TwoDims(), Quiet());
  for (uint32_t t = 0; t < 2000; ++t) {
    double d = a.Metric(config, t, 9) - quiet.Metric(config, t, 9);
    sum_sq += d * d;
  }
  EXPECT_NEAR(std::sqrt(sum_sq / 2000), 0.01, 0.001);
}

TEST(SyntheticObjective, FailureRateIsRespected) {
  ObjectiveOptions options = Quiet();
  options.failure_rate = 0.1;
  SyntheticObjective objective(TwoDims(), options);
  int failures = 0;
  for (uint64_t id = 0; id < 10000; ++id) failures += objective.Fails(id);
  EXPECT_NEAR(failures, 1000, 100);
  SimulatedExecutor executor(objective, 10000, Promotion::kResume);
  int failed_results = 0;
  for (uint64_t id = 0; id < 1000; ++id) {
    ASSERT_TRUE(executor.Submit(MakeJob(id, 0.5, 0, 2)).ok());
  }
  while (executor.running() > 0) {
    Result<std::vector<job::JobResult>> results = executor.Wait(0);
    ASSERT_TRUE(results.ok());
    for (const auto& r : *results) {
      if (r.outcome == job::Outcome::kFailed) {
        ++failed_results;
        EXPECT_FALSE(r.error.empty());
        EXPECT_EQ(objective.Fails(r.job), true);
      }
    }
  }
  EXPECT_GT(failed_results, 50);
}

}  // namespace
}  // namespace rungs::exec
