#include "space/bounds.h"

#include <cmath>

#include <gtest/gtest.h>

namespace rungs::space::internal {
namespace {

void Set(Bounds& b, size_t s, double lo, double hi) {
  b.lo(s) = lo;
  b.hi(s) = hi;
}

TEST(Propagate, TightensBothEndsOfAnEdge) {
  Bounds b(2);
  Set(b, 0, 0, 10);  // x <= y
  Set(b, 1, 3, 6);
  ASSERT_TRUE(Propagate({{0, 1, false}}, {0, 0}, b));
  EXPECT_EQ(b.lo(0), 0);
  EXPECT_EQ(b.hi(0), 6);
  EXPECT_EQ(b.lo(1), 3);
  EXPECT_EQ(b.hi(1), 6);
}

TEST(Propagate, StrictEdgesMoveIntegersByOneAndFloatsByAnUlp) {
  Bounds b(3);
  Set(b, 0, 0, 10);
  Set(b, 1, 0, 5);
  Set(b, 2, 0, 5);
  ASSERT_TRUE(Propagate({{0, 1, true}, {2, 1, true}}, {1, 1, 0}, b));
  EXPECT_EQ(b.hi(0), 4);                        // int < 5
  EXPECT_EQ(b.lo(1), 1);                        // int > 0
  EXPECT_EQ(b.hi(2), std::nextafter(5.0, 0.0));  // float < 5
}

TEST(Propagate, FollowsChains) {
  Bounds b(3);
  Set(b, 0, 0, 10);
  Set(b, 1, 0, 10);
  Set(b, 2, 0, 2);  // s0 <= s1 <= s2 <= 2
  ASSERT_TRUE(Propagate({{0, 1, false}, {1, 2, false}}, {1, 1, 1}, b));
  EXPECT_EQ(b.hi(0), 2);
}

TEST(Propagate, RefusesContradictions) {
  Bounds empty(2);
  Set(empty, 0, 5, 9);
  Set(empty, 1, 0, 4);
  EXPECT_FALSE(Propagate({{0, 1, false}}, {0, 0}, empty));
  Bounds cycle(2);
  Set(cycle, 0, 0, 1);
  Set(cycle, 1, 0, 1);
  EXPECT_FALSE(Propagate({{0, 1, true}, {1, 0, true}}, {0, 0}, cycle));
}

TEST(Propagate, DroppedSlotsNoLongerBind) {
  Bounds b(2);
  Set(b, 0, 5, 9);
  Set(b, 1, 0, 4);
  b.Drop(1);
  EXPECT_TRUE(Propagate({{0, 1, false}}, {0, 0}, b));
  EXPECT_EQ(b.lo(0), 5);
}

TEST(Bounds, HoldsManySlotsBeyondTheInlineBuffer) {
  Bounds b(40);
  for (size_t s = 0; s < 40; ++s) Set(b, s, 0, 100);
  std::vector<Edge> chain;
  for (uint32_t s = 0; s + 1 < 40; ++s) chain.push_back({s, s + 1, true});
  ASSERT_TRUE(Propagate(chain, std::vector<char>(40, 1), b));
  EXPECT_EQ(b.lo(39), 39);
  EXPECT_EQ(b.hi(0), 61);
}

}  // namespace
}  // namespace rungs::space::internal
