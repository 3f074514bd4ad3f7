#include "sched/budget.h"

#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

Options Limits(int64_t epochs, int64_t trials, double seconds) {
  Options o;
  o.budget_epochs = epochs;
  o.max_trials = trials;
  o.max_seconds = seconds;
  return o;
}

TEST(Budget, ReservationsCountUntilSettled) {
  Budget b(Limits(10, 0, 0));
  EXPECT_TRUE(b.Fits(10, true, 0));
  b.Reserve(6, true);
  EXPECT_TRUE(b.Fits(4, false, 0));
  EXPECT_FALSE(b.Fits(5, false, 0));
  // The job stopped early: only 2 of its 6 epochs are spent.
  b.Settle(6, 2);
  EXPECT_EQ(b.spent(), 2);
  EXPECT_EQ(b.reserved(), 0);
  EXPECT_TRUE(b.Fits(8, false, 0));
  EXPECT_FALSE(b.Fits(9, false, 0));
}

TEST(Budget, MaxTrialsLimitsOnlyNewTrials) {
  Budget b(Limits(0, 2, 0));
  b.Reserve(1, true);
  b.Reserve(1, true);
  EXPECT_FALSE(b.Fits(1, true, 0));
  EXPECT_TRUE(b.Fits(100, false, 0));
  EXPECT_DOUBLE_EQ(b.Fraction(0), 1.0);
}

TEST(Budget, WallClockStopsEveryJob) {
  Budget b(Limits(0, 0, 60));
  EXPECT_TRUE(b.Fits(1, true, 59.9));
  EXPECT_FALSE(b.Fits(1, false, 60));
  EXPECT_TRUE(b.Expired(61));
  EXPECT_DOUBLE_EQ(b.Fraction(30), 0.5);
}

TEST(Budget, FractionIsTheLargestUsedShareOfTheSetLimits) {
  Budget b(Limits(100, 10, 0));
  b.Reserve(50, true);
  EXPECT_DOUBLE_EQ(b.Fraction(0), 0.1);  // reserved epochs are not spent yet
  b.Settle(50, 50);
  EXPECT_DOUBLE_EQ(b.Fraction(0), 0.5);
  b.Reserve(80, false);
  b.Settle(80, 80);  // overran the budget: t stays at 1
  EXPECT_DOUBLE_EQ(b.Fraction(0), 1.0);
}

}  // namespace
}  // namespace rungs::sched
