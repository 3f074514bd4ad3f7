// The run's seconds shared between the search and the refit that follows it,
// and the seconds of each trial the refit's share is estimated from.
#include "tune/search_loop.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "tune/rung_counter.h"

namespace rungs::tune {
namespace {

TEST(SearchSeconds, TheRefitsTimeIsKeptOutOfTheSearch) {
  EXPECT_DOUBLE_EQ(SearchSeconds(60, 0), 60);
  EXPECT_DOUBLE_EQ(SearchSeconds(60, 4.5), 55.5);
}

TEST(SearchSeconds, ASlowRefitTakesAtMostTwoFifthsOfTheBudget) {
  EXPECT_DOUBLE_EQ(SearchSeconds(60, 40), 36);
  EXPECT_DOUBLE_EQ(SearchSeconds(60, 20), 40);
}

job::JobResult ResultOf(uint64_t id, uint32_t trial, double seconds, int epochs_trained,
                        job::Outcome outcome, double metric = 0.5) {
  job::JobResult r;
  r.job = id;
  r.trial = trial;
  r.seconds = seconds;
  r.epochs_trained = epochs_trained;
  r.outcome = outcome;
  r.metric = metric;
  return r;
}

TEST(RungCounter, ATrialsSecondsAreAllItsEpochsAtItsFastestJobsPace) {
  JournalView journaled;  // a job of trial 1 finished before a resume
  journaled.jobs.push_back({.job = {.id = 1, .trial = 1, .epochs_to = 3},
                            .result = ResultOf(1, 1, 2.0, 3, job::Outcome::kOk)});
  RungCounter counter(journaled, 0);
  for (const job::Job& job : {job::Job{.id = 2, .trial = 1, .epochs_from = 3, .epochs_to = 9},
                              job::Job{.id = 3, .trial = 2, .epochs_to = 3},
                              job::Job{.id = 4, .trial = 2, .epochs_from = 3, .epochs_to = 9}}) {
    counter.Started(job, 0);
  }
  // Trial 1's second job shared the machine and ran slower (6 epochs in
  // 5 s): training the trial alone takes 9 epochs at 2 s per 3.
  counter.Finished(ResultOf(2, 1, 5.0, 6, job::Outcome::kOk));
  counter.Finished(ResultOf(3, 2, 1.5, 3, job::Outcome::kOk));
  counter.Finished(ResultOf(4, 2, 9.0, 6, job::Outcome::kAbandoned));  // trained nothing to keep

  EXPECT_DOUBLE_EQ(counter.SecondsOf(1), 6.0);
  EXPECT_DOUBLE_EQ(counter.SecondsOf(2), 1.5);
  EXPECT_DOUBLE_EQ(counter.SecondsOf(3), 0.0);
  EXPECT_DOUBLE_EQ(counter.SecondsOfCandidates(true, 0, 3).Most(), 6.0);
}

TEST(RungCounter, TheEndIsCostedOnTheTrialsThatMayBeChosenNotOnASlowPoorOne) {
  RungCounter counter(JournalView{}, 0);
  // Trial 4 is the slowest by far and the worst: the end never refits it.
  const std::vector<std::pair<double, double>> trials = {  // seconds, accuracy
      {3.0, 0.80}, {6.0, 0.85}, {2.0, 0.70}, {20.0, 0.55}};
  for (uint32_t t = 0; t < trials.size(); ++t) {
    counter.Started(job::Job{.id = t, .trial = t, .epochs_to = 9}, 0);
    counter.Finished(ResultOf(t, t, trials[t].first, 9, job::Outcome::kOk, trials[t].second));
  }
  EXPECT_DOUBLE_EQ(counter.SecondsOfCandidates(true, 0, 3).Most(), 6.0);
  EXPECT_DOUBLE_EQ(counter.SecondsOfCandidates(true, 0, 4).Most(), 20.0);
  EXPECT_DOUBLE_EQ(counter.SecondsOfCandidates(true, 0, 4).Best(), 6.0);  // trial 1's
  const CandidateSeconds three = counter.SecondsOfCandidates(true, 0, 3);
  ASSERT_EQ(three.paces.size(), 3u);  // in the ranking's order
  EXPECT_DOUBLE_EQ(three.paces[1].SideBySideSeconds(), 3.0);
  EXPECT_DOUBLE_EQ(three.paces[2].SideBySideSeconds(), 2.0);
  // For a loss, lower is better: the slow trial is the best.
  EXPECT_DOUBLE_EQ(counter.SecondsOfCandidates(false, 0, 1).Most(), 20.0);
  // A new result is ranked with the others: trial 3 at 27 epochs, its
  // pace that of its first job (20 s for 9 epochs), the faster one.
  counter.Started(job::Job{.id = 9, .trial = 3, .epochs_from = 9, .epochs_to = 27}, 0);
  counter.Finished(ResultOf(9, 3, 45.0, 18, job::Outcome::kOk, 0.90));
  EXPECT_DOUBLE_EQ(counter.SecondsOfCandidates(true, 0, 1).Most(), 60.0);
}

// Beside other retrainings a trial takes what its jobs took as they ran,
// from the last one that trained from epoch 0 (a retraining starts there).
TEST(TrialPace, BesideOthersIsWhatItsJobsTookSinceTheLastFromScratch) {
  TrialPace pace;
  pace.Add({.trial = 1, .epochs_to = 3}, ResultOf(1, 1, 1.0, 3, job::Outcome::kOk));
  pace.Add({.trial = 1, .epochs_from = 3, .epochs_to = 9},
           ResultOf(2, 1, 3.0, 6, job::Outcome::kOk));
  EXPECT_DOUBLE_EQ(pace.SideBySideSeconds(), 4.0);
  EXPECT_DOUBLE_EQ(pace.Seconds(), 3.0);  // alone: 9 epochs at the first job's pace
  pace.Add({.trial = 1, .epochs_from = 9, .epochs_to = 27},
           ResultOf(3, 1, 9.0, 18, job::Outcome::kAbandoned));  // counts nothing
  EXPECT_DOUBLE_EQ(pace.SideBySideSeconds(), 4.0);
  // Its checkpoint gone, the next job trained all 27 epochs again.
  pace.Add({.trial = 1, .epochs_from = 9, .epochs_to = 27},
           ResultOf(4, 1, 20.0, 27, job::Outcome::kOk));
  EXPECT_DOUBLE_EQ(pace.SideBySideSeconds(), 20.0);
}

TEST(RungCounter, TellsWhenTheBestTrialsRunningJobWouldEndAtItsPace) {
  RungCounter counter(JournalView{}, 0);
  counter.Started(job::Job{.id = 0, .trial = 0, .epochs_to = 9}, 0);
  counter.Started(job::Job{.id = 1, .trial = 1, .epochs_to = 3}, 0);
  counter.Finished(ResultOf(0, 0, 9.0, 9, job::Outcome::kOk, 0.85));  // 1 s an epoch
  counter.Finished(ResultOf(1, 1, 1.5, 3, job::Outcome::kOk, 0.60));
  EXPECT_FALSE(counter.BestsRunningJobEndsAt(true, 0, 3));  // nothing of trial 0 runs
  counter.Started(job::Job{.id = 2, .trial = 1, .epochs_from = 3, .epochs_to = 9}, 10);
  EXPECT_FALSE(counter.BestsRunningJobEndsAt(true, 0, 3));  // trial 1 is not the best
  counter.Started(job::Job{.id = 3, .trial = 0, .epochs_from = 9, .epochs_to = 27}, 12);
  EXPECT_EQ(counter.BestsRunningJobEndsAt(true, 0, 3), 12 + 18.0);
  counter.Finished(ResultOf(3, 0, 20.0, 18, job::Outcome::kOk, 0.88));
  EXPECT_FALSE(counter.BestsRunningJobEndsAt(true, 0, 3));
}

}  // namespace
}  // namespace rungs::tune
