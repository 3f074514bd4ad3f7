#include "sched/parent_pool.h"

#include <random>
#include <set>

#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

TEST(ParentPool, KeepsOnlyTheNewestMembers) {
  ParentPool pool(3);
  for (uint32_t i = 0; i < 5; ++i) pool.Push(Rank{static_cast<double>(i), i, i});
  EXPECT_EQ(pool.size(), 3u);
  // Members 0 and 1 are gone: no tournament can return them.
  std::mt19937_64 rng(1);
  std::set<uint32_t> seen;
  for (int i = 0; i < 200; ++i) seen.insert(pool.Tournament(1, rng).trial);
  EXPECT_EQ(seen, (std::set<uint32_t>{2, 3, 4}));
}

TEST(ParentPool, LargeTournamentAlmostAlwaysFindsTheBest) {
  ParentPool pool(10);
  for (uint32_t i = 0; i < 10; ++i) pool.Push(Rank{10.0 - i, i, i});  // 9 is best
  std::mt19937_64 rng(7);
  int best = 0;
  for (int i = 0; i < 100; ++i) best += pool.Tournament(64, rng).trial == 9;
  EXPECT_GE(best, 95);  // P(miss) = 0.9^64 per draw
}

TEST(ParentPool, SizeOneTournamentIsUniform) {
  ParentPool pool(4);
  for (uint32_t i = 0; i < 4; ++i) pool.Push(Rank{static_cast<double>(i), i, i});
  std::mt19937_64 rng(3);
  int counts[4] = {};
  for (int i = 0; i < 4000; ++i) ++counts[pool.Tournament(1, rng).trial];
  for (int c : counts) EXPECT_NEAR(c, 1000, 150);
}

}  // namespace
}  // namespace rungs::sched
