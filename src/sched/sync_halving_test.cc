#include "sched/sync_halving.h"

#include <optional>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/spaces.h"

namespace rungs::sched {
namespace {

using testing::FastTextSpace;

Options Small(int64_t budget) {
  Options o;
  o.min_epochs = 1;
  o.max_epochs = 9;
  o.eta = 3;
  o.budget_epochs = budget;
  return o;
}

job::JobResult ResultOf(const job::Job& job, double metric,
                        job::Outcome outcome = job::Outcome::kOk) {
  return job::JobResult{.job = job.id,
                        .trial = job.trial,
                        .rung = job.rung,
                        .outcome = outcome,
                        .metric = metric,
                        .epochs_trained = job.epochs_to - job.epochs_from,
                        .error = {}};
}

// Takes jobs until Next says wait.
std::vector<job::Job> Drain(SyncHalvingScheduler& s, double now) {
  std::vector<job::Job> jobs;
  while (std::optional<job::Job> job = s.Next(now)) jobs.push_back(*job);
  return jobs;
}

TEST(SyncHalving, ShaWaitsForItsRungThenPromotesTheTopThird) {
  SyncHalvingScheduler s(Small(1000), 1, FastTextSpace(), 1);
  EXPECT_EQ(s.RoundTrials(0), 9);  // eta^(K-1) for rungs 1, 3, 9
  std::vector<job::Job> rung0 = Drain(s, 0);
  ASSERT_EQ(rung0.size(), 9u);
  for (const job::Job& job : rung0) EXPECT_EQ(job.epochs_to, 1);
  for (size_t i = 0; i + 1 < rung0.size(); ++i) {
    s.Report(ResultOf(rung0[i], 0.1 * static_cast<double>(i)), 1);
    EXPECT_FALSE(s.Next(1).has_value()) << "issued before the rung finished";
  }
  s.Report(ResultOf(rung0[8], 0.05), 1);  // the last result
  const std::vector<job::Job> rung1 = Drain(s, 2);
  ASSERT_EQ(rung1.size(), 3u);  // floor(9 / 3), best first
  EXPECT_EQ(rung1[0].trial, rung0[7].trial);
  EXPECT_EQ(rung1[1].trial, rung0[6].trial);
  EXPECT_EQ(rung1[2].trial, rung0[5].trial);
  EXPECT_EQ(rung1[0].rung, 1);
  EXPECT_EQ(rung1[0].epochs_from, 1);
  EXPECT_EQ(rung1[0].epochs_to, 3);
  EXPECT_DOUBLE_EQ(rung1[0].lr_scale, 0.8);
  s.Report(ResultOf(rung1[0], 0.2), 3);
  s.Report(ResultOf(rung1[1], 0.9), 3);
  EXPECT_FALSE(s.Next(3).has_value());
  s.Report(ResultOf(rung1[2], 0.1), 3);
  const std::vector<job::Job> rung2 = Drain(s, 4);
  ASSERT_EQ(rung2.size(), 1u);
  EXPECT_EQ(rung2[0].trial, rung0[6].trial);
  EXPECT_EQ(rung2[0].epochs_to, 9);
  s.Report(ResultOf(rung2[0], 0.95), 5);
  EXPECT_EQ(s.best()->trial, rung0[6].trial);
  EXPECT_EQ(s.best()->epochs, 9);
  // The round is over: the next one starts nine new trials.
  const std::vector<job::Job> next_round = Drain(s, 6);
  ASSERT_EQ(next_round.size(), 9u);
  EXPECT_EQ(next_round[0].trial, 9u);
  EXPECT_EQ(next_round[0].rung, 0);
}

TEST(SyncHalving, PromotionsWhoseCheckpointsAreLostReserveTheWholeRung) {
  SyncHalvingScheduler s(Small(1000), 1, FastTextSpace(), 1);
  const std::vector<job::Job> rung0 = Drain(s, 0);
  for (size_t i = 0; i < rung0.size(); ++i) s.Report(ResultOf(rung0[i], 0.1 * double(i)), 1);
  EXPECT_EQ(s.budget().spent(), 9);
  const std::optional<job::Job> first = s.Next(2);  // 1 -> 3 reserves 2
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(s.budget().reserved(), 2);
  s.CheckpointsLost();  // the running one and the two queued may retrain
  EXPECT_EQ(s.budget().reserved(), 3);
  const std::vector<job::Job> rest = Drain(s, 3);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].epochs_from, 1);
  EXPECT_EQ(s.budget().reserved(), 9);
  s.Report(ResultOf(*first, 0.5), 4);
  for (const job::Job& job : rest) s.Report(ResultOf(job, 0.5), 4);
  EXPECT_EQ(s.budget().reserved(), 0);
  EXPECT_EQ(s.budget().spent(), 9 + 3 * 2);
}

TEST(SyncHalving, FailedTrialsAreNeverPromoted) {
  Options o = Small(1000);
  o.sha_trials = 6;
  SyncHalvingScheduler s(o, 1, FastTextSpace(), 1);
  const std::vector<job::Job> rung0 = Drain(s, 0);
  ASSERT_EQ(rung0.size(), 6u);
  s.Report(ResultOf(rung0[0], 0.3), 1);
  for (size_t i = 1; i < 6; ++i) s.Report(ResultOf(rung0[i], 99, job::Outcome::kFailed), 1);
  // Two slots (floor(6/3)), but only one usable result.
  const std::vector<job::Job> rung1 = Drain(s, 2);
  ASSERT_EQ(rung1.size(), 1u);
  EXPECT_EQ(rung1[0].trial, rung0[0].trial);
}

TEST(SyncHalving, HyperbandCyclesThroughBracketsWithLiEtAlCounts) {
  Options o = Small(100000);
  SyncHalvingScheduler s(o, 3, FastTextSpace(), 1);
  EXPECT_EQ(s.RoundTrials(0), 9);  // rungs 1, 3, 9
  EXPECT_EQ(s.RoundTrials(1), 5);  // rungs 3, 9: ceil(3/2 * 3)
  EXPECT_EQ(s.RoundTrials(2), 3);  // rung 9: ceil(3/1 * 1)
  // (bracket, rung, jobs) of each synchronous step over one full cycle.
  std::vector<std::tuple<int, int, size_t>> steps;
  double now = 0;
  while (steps.size() < 7) {
    const std::vector<job::Job> jobs = Drain(s, now);
    ASSERT_FALSE(jobs.empty());
    steps.emplace_back(jobs[0].bracket, jobs[0].rung, jobs.size());
    for (const job::Job& job : jobs) {
      EXPECT_EQ(job.bracket, jobs[0].bracket);
      EXPECT_EQ(job.epochs_to, s.brackets().epochs(job.bracket)[job.rung]);
      s.Report(ResultOf(job, static_cast<double>(job.trial)), now);
    }
    now += 1;
  }
  const std::vector<std::tuple<int, int, size_t>> expected = {
      {0, 0, 9}, {0, 1, 3}, {0, 2, 1}, {1, 0, 5}, {1, 1, 1}, {2, 0, 3}, {0, 0, 9}};
  EXPECT_EQ(steps, expected);
}

TEST(SyncHalving, StopsAtTheBudgetAndIsDone) {
  SyncHalvingScheduler s(Small(10), 1, FastTextSpace(), 1);
  std::vector<job::Job> rung0 = Drain(s, 0);
  ASSERT_EQ(rung0.size(), 9u);  // 9 epochs reserved, 1 left
  for (size_t i = 0; i < rung0.size(); ++i) s.Report(ResultOf(rung0[i], 1.0 * i), 1);
  // Each promotion costs 2 (resume 1 -> 3): none fits, so the round ends,
  // and a new round's 1-epoch trial fits once.
  std::vector<job::Job> more = Drain(s, 2);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].rung, 0);
  EXPECT_FALSE(s.Done());
  s.Report(ResultOf(more[0], 0.5), 3);
  EXPECT_FALSE(s.Next(4).has_value());
  EXPECT_TRUE(s.Done());
  EXPECT_EQ(s.budget().spent(), 10);
}

TEST(SyncHalving, HasNoEvolution) {
  SyncHalvingScheduler s(Small(100), 1, FastTextSpace(), 1);
  EXPECT_FALSE(s.EnableEvolution(0).ok());
}

TEST(SyncHalving, SameSeedSameJobs) {
  SyncHalvingScheduler a(Small(100), 1, FastTextSpace(), 11);
  SyncHalvingScheduler b(Small(100), 1, FastTextSpace(), 11);
  const std::vector<job::Job> ja = Drain(a, 0);
  const std::vector<job::Job> jb = Drain(b, 0);
  ASSERT_EQ(ja.size(), jb.size());
  // Compared as JSON: inactive parameters are NaN, which never equals itself.
  for (size_t i = 0; i < ja.size(); ++i) {
    EXPECT_EQ(FastTextSpace().ToJson(ja[i].config), FastTextSpace().ToJson(jb[i].config));
  }
}

}  // namespace
}  // namespace rungs::sched
