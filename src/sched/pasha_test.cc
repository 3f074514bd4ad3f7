#include "sched/pasha.h"

#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

// Scores are negated accuracies (smaller is better); seq counts results.
class PashaTest : public ::testing::Test {
 protected:
  // Promotes `trial` to the cap with score `below` at the rung under it,
  // then reports `score` there; returns whether the cap grew.
  bool Climb(Pasha& pasha, uint32_t trial, double below, double score) {
    const int rung = pasha.cap();
    pasha.Promoted(trial, rung, below);
    return pasha.Report(trial, rung, Rank{score, seq_++, trial}, true);
  }
  uint32_t seq_ = 0;
};

TEST_F(PashaTest, StartsAtTheSecondRung) {
  EXPECT_EQ(Pasha(0, 3).cap(), 1);
  EXPECT_EQ(Pasha(0, 0).cap(), 0);  // a bracket of one rung has nothing to adapt
}

TEST_F(PashaTest, SameOrderAtBothRungsKeepsTheTopRung) {
  Pasha pasha(0, 3);
  EXPECT_FALSE(Climb(pasha, 1, -0.80, -0.85));
  EXPECT_FALSE(Climb(pasha, 2, -0.90, -0.95));  // better at both: first in both orders
  EXPECT_FALSE(Climb(pasha, 3, -0.85, -0.90));  // in the middle of both
  EXPECT_FALSE(Climb(pasha, 4, -0.70, -0.71));  // last in both
  EXPECT_EQ(pasha.cap(), 1);
}

TEST_F(PashaTest, ARankingChangeGrowsTheTopRungByOne) {
  Pasha pasha(0, 3);
  EXPECT_FALSE(Climb(pasha, 1, -0.80, -0.85));
  EXPECT_FALSE(Climb(pasha, 2, -0.90, -0.95));
  // Trial 3 was the worst of the three at rung 0 but is the best at rung 1.
  EXPECT_TRUE(Climb(pasha, 3, -0.70, -0.99));
  EXPECT_EQ(pasha.cap(), 2);
  // The comparison starts afresh between rungs 2 and 1.
  EXPECT_FALSE(Climb(pasha, 3, -0.99, -0.99));
  EXPECT_FALSE(Climb(pasha, 2, -0.95, -0.96));
  EXPECT_TRUE(Climb(pasha, 1, -0.85, -0.999));
  EXPECT_EQ(pasha.cap(), 3);
  // At the real top there is nothing left to grow.
  EXPECT_FALSE(Climb(pasha, 2, -0.96, -0.5));
  EXPECT_FALSE(Climb(pasha, 3, -0.99, -0.2));
  EXPECT_EQ(pasha.cap(), 3);
}

TEST_F(PashaTest, SwapsWithinEpsilonAtTheLowerRungDoNotCount) {
  Pasha pasha(0.02, 3);
  EXPECT_FALSE(Climb(pasha, 1, -0.80, -0.85));
  // 0.01 behind trial 1 at rung 0, ahead at rung 1: a tie within epsilon.
  EXPECT_FALSE(Climb(pasha, 2, -0.79, -0.86));
  EXPECT_EQ(pasha.cap(), 1);
  // 0.05 behind, ahead at rung 1: a real change.
  EXPECT_TRUE(Climb(pasha, 3, -0.75, -0.90));
  EXPECT_EQ(pasha.cap(), 2);
}

TEST_F(PashaTest, EqualScoresBelowAreNotAChange) {
  Pasha pasha(0, 3);
  EXPECT_FALSE(Climb(pasha, 1, -0.80, -0.85));
  EXPECT_FALSE(Climb(pasha, 2, -0.80, -0.90));  // tied below, ordered above
  EXPECT_FALSE(Climb(pasha, 3, -0.80, -0.70));
  EXPECT_EQ(pasha.cap(), 1);
}

TEST_F(PashaTest, AChangeDeepInTheOrderIsFound) {
  Pasha pasha(0, 3);
  for (uint32_t t = 0; t < 50; ++t) {
    ASSERT_FALSE(Climb(pasha, t, -0.5 - 0.001 * t, -0.6 - 0.001 * t)) << t;
  }
  // Enters 10th from the top below, but 40th above.
  EXPECT_TRUE(Climb(pasha, 100, -0.5 - 0.001 * 40.5, -0.6 - 0.001 * 9.5));
}

TEST_F(PashaTest, UnusableResultsAndStaleJobsAreIgnored) {
  Pasha pasha(0, 3);
  EXPECT_FALSE(Climb(pasha, 1, -0.80, -0.85));
  pasha.Promoted(2, 1, -0.90);
  EXPECT_FALSE(pasha.Report(2, 1, Rank{1e300, seq_++, 2}, false));  // failed: not ranked
  // Promoted to rung 1 while the cap was 1; the cap then grows past it.
  pasha.Promoted(5, 1, -0.95);
  EXPECT_TRUE(Climb(pasha, 3, -0.70, -0.99));
  EXPECT_FALSE(pasha.Report(5, 1, Rank{-0.1, seq_++, 5}, true));
  EXPECT_EQ(pasha.cap(), 2);
  // A trial never promoted through Promoted is not ranked either.
  EXPECT_FALSE(pasha.Report(9, 2, Rank{-0.1, seq_++, 9}, true));
  EXPECT_EQ(pasha.cap(), 2);
}

}  // namespace
}  // namespace rungs::sched
