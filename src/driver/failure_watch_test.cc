#include "driver/failure_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::driver {
namespace {

using ::testing::HasSubstr;

job::JobResult ResultOf(job::Outcome outcome, const std::string& error = "") {
  job::JobResult r;
  r.outcome = outcome;
  r.error = error;
  return r;
}

TEST(FailureWatch, HoldsAfterTheSameErrorTenTimesInARow) {
  FailureWatch watch;
  for (uint64_t i = 1; i < FailureWatch::kSameErrorInARow; ++i) {
    watch.Add(ResultOf(job::Outcome::kFailed, "no label"));
    EXPECT_FALSE(watch.Verdict()) << i;
  }
  watch.Add(ResultOf(job::Outcome::kFailed, "no label"));
  ASSERT_TRUE(watch.Verdict());
  EXPECT_EQ(*watch.Verdict(), "10 jobs in a row failed with: no label");
}

TEST(FailureWatch, ErrorsDifferingOnlyInNumbersAreTheSame) {
  FailureWatch watch;
  for (int job = 1; job <= 10; ++job) {
    watch.Add(ResultOf(job::Outcome::kFailed,
                     "exited with status 1; stderr (logs/job-" + std::to_string(job) + ".err)"));
  }
  ASSERT_TRUE(watch.Verdict());
  EXPECT_THAT(*watch.Verdict(), HasSubstr("10 jobs in a row failed with: exited with status 1; "
                                          "stderr (logs/job-10.err)"));
}

TEST(FailureWatch, ASuccessOrAnotherErrorStartsTheCountAgain) {
  FailureWatch watch;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 9; ++i) watch.Add(ResultOf(job::Outcome::kFailed, "a"));
    watch.Add(round % 2 ? ResultOf(job::Outcome::kOk) : ResultOf(job::Outcome::kFailed, "b"));
    for (int i = 0; i < 9; ++i) watch.Add(ResultOf(job::Outcome::kOk));
    EXPECT_FALSE(watch.Verdict()) << round;
  }
}

TEST(FailureWatch, HoldsWhenFailuresDominate) {
  FailureWatch watch;
  // Different errors each time, one success in ten.
  for (int i = 0; i < 49; ++i) {
    watch.Add(i % 10 == 0 ? ResultOf(job::Outcome::kOk)
                          : ResultOf(job::Outcome::kFailed, "error " + std::to_string(i)));
  }
  EXPECT_FALSE(watch.Verdict()) << "too few results to judge";
  watch.Add(ResultOf(job::Outcome::kFailed, "error 49"));
  ASSERT_TRUE(watch.Verdict());
  EXPECT_THAT(*watch.Verdict(), HasSubstr("45 of 50 jobs failed; the last with: error 49"));
}

TEST(FailureWatch, TimeoutsAndDivergenceAreNotFailures) {
  FailureWatch watch;
  for (int i = 0; i < 100; ++i) {
    watch.Add(ResultOf(i % 2 ? job::Outcome::kTimeout : job::Outcome::kDiverged, "stopped"));
  }
  EXPECT_FALSE(watch.Verdict());
}

}  // namespace
}  // namespace rungs::driver
