#include "sched/evolution.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

constexpr int kLevels = 3;  // top level is 2

EvolutionOptions Always() {
  EvolutionOptions e;
  e.probability = Schedule{1, 1, Shape::kConstant};
  e.min_parents = 2;
  return e;
}

void Fill(Evolution& evolution, int level, uint32_t first, int count) {
  for (int i = 0; i < count; ++i) {
    const uint32_t trial = first + i;
    evolution.Record(level, Rank{static_cast<double>(i), trial, trial});
  }
}

TEST(Evolution, WaitsForMinParentsInTheTopRung) {
  Evolution evolution(Always(), kLevels);
  std::mt19937_64 rng(1);
  Fill(evolution, 0, 0, 50);  // lower rungs do not count
  Fill(evolution, 2, 100, 1);
  EXPECT_FALSE(evolution.Choose(0.5, rng).has_value());
  Fill(evolution, 2, 200, 1);
  const auto parents = evolution.Choose(0.5, rng);
  ASSERT_TRUE(parents.has_value());
  EXPECT_TRUE(parents->first == 100 || parents->first == 200);
  EXPECT_FALSE(parents->second.has_value());
}

TEST(Evolution, CanDrawParentsFromTheHighestRungWithEnough) {
  EvolutionOptions e = Always();
  e.parents_from_highest_rung = true;
  Evolution evolution(e, kLevels);
  std::mt19937_64 rng(1);
  Fill(evolution, 0, 0, 5);
  Fill(evolution, 1, 10, 1);  // too few at level 1
  const auto parents = evolution.Choose(0, rng);
  ASSERT_TRUE(parents.has_value());
  EXPECT_LT(parents->first, 5u);
}

TEST(Evolution, OffUntilEnabledByHandThenUsesAnyNonEmptyLevel) {
  EvolutionOptions e = Always();
  e.enabled = false;
  Evolution evolution(e, kLevels);
  std::mt19937_64 rng(1);
  Fill(evolution, 2, 0, 10);
  EXPECT_FALSE(evolution.Choose(0, rng).has_value());
  Evolution by_hand(e, kLevels);
  Fill(by_hand, 1, 40, 1);
  by_hand.Enable();
  EXPECT_TRUE(by_hand.on());
  const auto parents = by_hand.Choose(0, rng);
  ASSERT_TRUE(parents.has_value());
  EXPECT_EQ(parents->first, 40u);
}

TEST(Evolution, ProbabilityFollowsItsSchedule) {
  EvolutionOptions e = Always();
  e.probability = Schedule{0, 1, Shape::kLinear};
  Evolution evolution(e, kLevels);
  Fill(evolution, 2, 0, 5);
  std::mt19937_64 rng(5);
  int at_zero = 0, at_half = 0, at_one = 0;
  for (int i = 0; i < 2000; ++i) {
    at_zero += evolution.Choose(0, rng).has_value();
    at_half += evolution.Choose(0.5, rng).has_value();
    at_one += evolution.Choose(1, rng).has_value();
  }
  EXPECT_EQ(at_zero, 0);
  EXPECT_NEAR(at_half, 1000, 100);
  EXPECT_EQ(at_one, 2000);
}

TEST(Evolution, SchedulesAtStartMiddleEnd) {
  Evolution evolution(EvolutionOptions{}, kLevels);  // defaults
  EXPECT_EQ(evolution.TournamentAt(0), 8);
  EXPECT_EQ(evolution.TournamentAt(0.5), 5);
  EXPECT_EQ(evolution.TournamentAt(1), 2);
  EXPECT_EQ(evolution.MutationAt(0).params, 3);
  EXPECT_EQ(evolution.MutationAt(0.5).params, 2);
  EXPECT_EQ(evolution.MutationAt(1).params, 1);
  EXPECT_DOUBLE_EQ(evolution.MutationAt(0).sigma, 0.25);
  EXPECT_NEAR(evolution.MutationAt(0.5).sigma, std::sqrt(0.25 * 0.05), 1e-12);
  EXPECT_NEAR(evolution.MutationAt(1).sigma, 0.05, 1e-12);
}

TEST(Evolution, CrossoverPicksTwoParents) {
  EvolutionOptions e = Always();
  e.crossover = true;
  Evolution evolution(e, kLevels);
  Fill(evolution, 2, 0, 4);
  std::mt19937_64 rng(2);
  const auto parents = evolution.Choose(0, rng);
  ASSERT_TRUE(parents.has_value());
  EXPECT_TRUE(parents->second.has_value());
}

}  // namespace
}  // namespace rungs::sched
