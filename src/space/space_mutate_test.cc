#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "space/space.h"
#include "testing/spaces.h"

namespace rungs::space {
namespace {

using testing::FastTextSpace;
using testing::MustParse;
using testing::SameConfig;
using testing::kFastTextSpaceToml;

Space Make(std::vector<Param> params, std::vector<Constraint> constraints = {}) {
  Result<Space> space = Space::Create(std::move(params), std::move(constraints));
  EXPECT_TRUE(space.ok()) << space.message();
  return std::move(space).value();
}

TEST(SpaceMutate, StaysInsideTheSpaceAndKeepsConstraints) {
  Space space = MustParse(kFastTextSpaceToml);
  const size_t minn = *space.IndexOf("minn"), maxn = *space.IndexOf("maxn");
  std::mt19937_64 rng(21);
  Config c = space.Sample(rng);
  for (int n = 0; n < 20000; ++n) {
    Mutation m{1 + n % 4, n % 2 ? 0.05 : 0.6};
    c = space.Mutate(c, m, rng);
    ASSERT_TRUE(space.Contains(c)) << space.ToJson(c).dump();
    if (!std::isnan(c[maxn])) {
      ASSERT_GE(c[maxn], c[minn]);
    }
  }
}

TEST(SpaceMutate, SmallSigmaMovesLittle) {
  Space space = Make({Param::Float("x", 0, 10)});
  std::mt19937_64 rng(22);
  double small = 0, large = 0, largest_small = 0;
  for (int n = 0; n < 2000; ++n) {
    Config c = {5.0};
    double d = std::abs(space.Mutate(c, {1, 0.01}, rng)[0] - 5.0);
    small += d;
    largest_small = std::max(largest_small, d);
    large += std::abs(space.Mutate(c, {1, 0.2}, rng)[0] - 5.0);
  }
  // E|N(0, s)| = 0.8 s; in value units s is sigma * 10.
  EXPECT_NEAR(small / 2000, 0.08, 0.01);
  EXPECT_LT(largest_small, 0.6);  // 6 standard deviations
  EXPECT_NEAR(large / 2000, 1.6, 0.15);
}

TEST(SpaceMutate, MovesInTheParametersOwnScale) {
  // On a log scale a mutation of the same sigma moves by a factor, not an
  // amount: from 0.001 and from 1 the ratio moved is the same on average.
  Space space = Make({Param::Float("lr", 1e-6, 1e3, Scale::kLog)});
  std::mt19937_64 rng(23);
  double low = 0, high = 0;
  for (int n = 0; n < 4000; ++n) {
    low += std::abs(std::log(space.Mutate({1e-3}, {1, 0.05}, rng)[0] / 1e-3));
    high += std::abs(std::log(space.Mutate({1.0}, {1, 0.05}, rng)[0] / 1.0));
  }
  EXPECT_NEAR(low / high, 1.0, 0.08);
}

TEST(SpaceMutate, ReflectsAtTheBoundsInsteadOfPilingUp) {
  Space space = Make({Param::Float("x", 0, 1)});
  std::mt19937_64 rng(24);
  int at_max = 0, near_max = 0;
  for (int n = 0; n < 2000; ++n) {
    double v = space.Mutate({1.0}, {1, 0.1}, rng)[0];
    ASSERT_GE(v, 0);
    ASSERT_LE(v, 1);
    at_max += v == 1.0;
    near_max += v > 0.9;
  }
  EXPECT_EQ(at_max, 0);      // clamping would put half the moves here
  EXPECT_GT(near_max, 1200);  // reflected back: P(|N(0, 0.1)| < 0.1) = 0.68
}

TEST(SpaceMutate, ChangesExactlyTheRequestedNumberOfParameters) {
  Space space = Make({Param::Float("a", 0, 1), Param::Float("b", 0, 1), Param::Float("c", 0, 1),
                      Param::Float("d", 0, 1), Param::Fixed("e", 3.0)});
  std::mt19937_64 rng(25);
  int per_param[5] = {0, 0, 0, 0, 0};
  for (int n = 0; n < 3000; ++n) {
    Config parent = space.Sample(rng);
    Config child = space.Mutate(parent, {2, 0.1}, rng);
    int changed = 0;
    for (int i = 0; i < 5; ++i) {
      changed += child[i] != parent[i];
      per_param[i] += child[i] != parent[i];
    }
    ASSERT_EQ(changed, 2);
  }
  EXPECT_EQ(per_param[4], 0);  // fixed never moves
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(per_param[i] / 3000.0, 0.5, 0.04) << i;
  Config all = space.Mutate({0.5, 0.5, 0.5, 0.5, 3.0}, {9, 0.1}, rng);
  for (int i = 0; i < 4; ++i) EXPECT_NE(all[i], 0.5);
}

TEST(SpaceMutate, IntegersMoveByAStepSometimesEvenWithTinySigma) {
  Space space = Make({Param::Int("n", 0, 1000)});
  std::mt19937_64 rng(26);
  int moved = 0;
  double total = 0;
  for (int n = 0; n < 4000; ++n) {
    double v = space.Mutate({500}, {1, 0.0001}, rng)[0];  // 0.1 step on average
    ASSERT_EQ(v, std::floor(v));
    ASSERT_LE(std::abs(v - 500), 1);
    moved += v != 500;
    total += v - 500;
  }
  // Stochastic rounding: moves with probability E|noise| = 0.08, unbiased.
  EXPECT_NEAR(moved / 4000.0, 0.08, 0.015);
  EXPECT_NEAR(total / 4000.0, 0.0, 0.02);
}

TEST(SpaceMutate, CategoricalSwitchesMoreOftenWithLargerSigma) {
  Space space = Make({Param::Choice("loss", {"softmax", "ns", "hs", "ova"})});
  std::mt19937_64 rng(27);
  auto switch_rate = [&](double sigma) {
    int switched = 0;
    for (int n = 0; n < 4000; ++n) switched += space.Mutate({2}, {1, sigma}, rng)[0] != 2;
    return switched / 4000.0;
  };
  double low = switch_rate(0.05), mid = switch_rate(0.2), high = switch_rate(1.0);
  // p = erfc(1 / (2 k sigma sqrt 2)) with k = 4 choices.
  EXPECT_NEAR(low, std::erfc(1 / (8 * 0.05 * std::sqrt(2.0))), 0.01);
  EXPECT_NEAR(mid, std::erfc(1 / (8 * 0.2 * std::sqrt(2.0))), 0.03);
  EXPECT_LT(low, mid);
  EXPECT_LT(mid, high);
  EXPECT_GT(high, 0.85);
}

TEST(SpaceMutate, ActivatesAndDeactivatesConditionalParameters) {
  Space space = MustParse(kFastTextSpaceToml);
  const size_t loss = *space.IndexOf("loss"), neg = *space.IndexOf("neg");
  std::mt19937_64 rng(28);
  Config c = space.Sample(rng);
  int activated = 0, deactivated = 0;
  for (int n = 0; n < 3000; ++n) {
    Config next = space.Mutate(c, {3, 0.5}, rng);
    bool ns = next[loss] == 1;
    ASSERT_EQ(std::isnan(next[neg]), !ns);
    if (ns) {
      ASSERT_TRUE(next[neg] >= 2 && next[neg] <= 25);
    }
    activated += std::isnan(c[neg]) && ns;
    deactivated += !std::isnan(c[neg]) && !ns;
    c = next;
  }
  EXPECT_GT(activated, 10);
  EXPECT_GT(deactivated, 10);
}

TEST(SpaceMutate, SameSeedGivesSameChildren) {
  Space space = MustParse(kFastTextSpaceToml);
  std::mt19937_64 seed(29);
  Config parent = space.Sample(seed);
  std::mt19937_64 a(5), b(5);
  for (int n = 0; n < 300; ++n) {
    Config x = space.Mutate(parent, {2, 0.2}, a);
    ASSERT_TRUE(SameConfig(x, space.Mutate(parent, {2, 0.2}, b)));
    Config y = space.Crossover(parent, x, a);
    ASSERT_TRUE(SameConfig(y, space.Crossover(parent, x, b)));
    parent = y;
  }
}

TEST(SpaceCrossover, TakesEachParameterFromAParent) {
  Space space = Make({Param::Float("a", 0, 1), Param::Float("b", 0, 1), Param::Float("c", 0, 1)});
  std::mt19937_64 rng(30);
  int from_x = 0;
  for (int n = 0; n < 2000; ++n) {
    Config x = {0.1, 0.2, 0.3}, y = {0.7, 0.8, 0.9};
    Config child = space.Crossover(x, y, rng);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(child[i] == x[i] || child[i] == y[i]);
      from_x += child[i] == x[i];
    }
  }
  EXPECT_NEAR(from_x / 6000.0, 0.5, 0.03);
}

TEST(SpaceCrossover, RepairsConstraintsAndConditions) {
  Space space = MustParse(kFastTextSpaceToml);
  std::mt19937_64 rng(31);
  const size_t minn = *space.IndexOf("minn"), maxn = *space.IndexOf("maxn");
  Config x = space.Sample(rng), y = space.Sample(rng);
  x[minn] = 1, x[maxn] = 2;
  y[minn] = 6, y[maxn] = 6;
  ASSERT_TRUE(space.Contains(x) && space.Contains(y));
  int repaired = 0;
  for (int n = 0; n < 2000; ++n) {
    Config child = space.Crossover(x, y, rng);
    ASSERT_TRUE(space.Contains(child)) << space.ToJson(child).dump();
    repaired += child[minn] == 6 && child[maxn] == 6;
  }
  EXPECT_GT(repaired, 700);  // 1/4 natural (both from y) + 1/4 repaired (minn from y, maxn 2 -> 6)
}

TEST(SpaceUnit, MapsEachScaleToTheUnitIntervalAndBack) {
  Space space = Make({Param::Float("x", 2, 12), Param::Float("lr", 0.01, 1, Scale::kLog),
                      Param::Int("dim", 16, 256, Scale::kLog)});
  EXPECT_DOUBLE_EQ(space.ToUnit(0, 2), 0.0);
  EXPECT_DOUBLE_EQ(space.ToUnit(0, 7), 0.5);
  EXPECT_NEAR(space.ToUnit(1, 0.1), 0.5, 1e-12);  // halfway in log(0.01)..log(1)
  EXPECT_NEAR(space.FromUnit(1, 0.5), 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(space.FromUnit(0, 1.7), 12.0);  // clamped into [0, 1]
  EXPECT_DOUBLE_EQ(space.FromUnit(2, 0.5), 64.0);  // sqrt(16 * 256), whole
  EXPECT_DOUBLE_EQ(space.FromUnit(2, space.ToUnit(2, 100)), 100.0);
}

TEST(SpaceRepair, FixesConditionsAndConstraintsAndKeepsTheRest) {
  Space space = FastTextSpace();
  const size_t loss = *space.IndexOf("loss"), neg = *space.IndexOf("neg");
  const size_t minn = *space.IndexOf("minn"), maxn = *space.IndexOf("maxn");
  std::mt19937_64 rng(31);
  Config c = space.Sample(rng);
  c[loss] = 1;  // ns: neg becomes active
  c[neg] = std::numeric_limits<double>::quiet_NaN();
  c[minn] = 4;
  c[maxn] = 2;  // breaks maxn >= minn
  const Config repaired = space.Repair(c, rng);
  ASSERT_TRUE(space.Contains(repaired)) << space.ToJson(repaired).dump();
  EXPECT_FALSE(std::isnan(repaired[neg]));  // drawn
  EXPECT_GE(repaired[maxn], repaired[minn]);
  EXPECT_EQ(repaired[0], c[0]);  // untouched where nothing was wrong
  c[loss] = 0;  // softmax: neg must go
  c[neg] = 5;
  EXPECT_TRUE(std::isnan(space.Repair(c, rng)[neg]));
}

}  // namespace
}  // namespace rungs::space
