// The run's seconds shared between the search and the refit that follows it,
// and the seconds of each trial the refit's share is estimated from.
#include "tune/search_loop.h"

#include <gtest/gtest.h>

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

job::JobResult ResultOf(uint64_t id, uint32_t trial, double seconds, job::Outcome outcome) {
  job::JobResult r;
  r.job = id;
  r.trial = trial;
  r.seconds = seconds;
  r.outcome = outcome;
  return r;
}

TEST(RungCounter, SumsTheSecondsOfEachTrialsFinishedJobs) {
  JournalView journaled;  // a job of trial 1 finished before a resume
  journaled.jobs.push_back({.job = {.id = 1, .trial = 1, .epochs_to = 3},
                            .result = ResultOf(1, 1, 2.0, job::Outcome::kOk)});
  RungCounter counter(journaled, 0);
  for (const job::Job& job : {job::Job{.id = 2, .trial = 1, .epochs_to = 9},
                              job::Job{.id = 3, .trial = 2, .epochs_to = 3},
                              job::Job{.id = 4, .trial = 2, .epochs_to = 9}}) {
    counter.Started(job);
  }
  counter.Finished(ResultOf(2, 1, 5.0, job::Outcome::kOk));
  counter.Finished(ResultOf(3, 2, 1.5, job::Outcome::kOk));
  counter.Finished(ResultOf(4, 2, 9.0, job::Outcome::kAbandoned));  // trained nothing to keep

  EXPECT_DOUBLE_EQ(counter.SecondsOf(1), 7.0);
  EXPECT_DOUBLE_EQ(counter.SecondsOf(2), 1.5);
  EXPECT_DOUBLE_EQ(counter.SecondsOf(3), 0.0);
  EXPECT_DOUBLE_EQ(counter.MostSecondsOfATrial(), 7.0);
}

}  // namespace
}  // namespace rungs::tune
