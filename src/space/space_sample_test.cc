#include <cmath>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "space/space.h"
#include "testing/spaces.h"

namespace rungs::space {
namespace {

using testing::MustParse;
using testing::SameConfig;
using testing::kFastTextSpaceToml;

Space OneParam(Param p) {
  Result<Space> space = Space::Create({std::move(p)});
  EXPECT_TRUE(space.ok()) << space.message();
  return std::move(space).value();
}

TEST(SpaceSample, StaysInRangeAndInsideTheSpace) {
  Space space = MustParse(kFastTextSpaceToml);
  std::mt19937_64 rng(1);
  for (int n = 0; n < 5000; ++n) {
    Config c = space.Sample(rng);
    ASSERT_TRUE(space.Contains(c)) << space.ToJson(c).dump();
    EXPECT_GE(c[0], 0.01);
    EXPECT_LE(c[0], 2.0);
    EXPECT_GE(c[1], 16);
    EXPECT_LE(c[1], 300);
    EXPECT_EQ(c[1], std::floor(c[1]));
    EXPECT_EQ(c[10], 100);
  }
}

TEST(SpaceSample, LogFloatIsLogUniform) {
  Space space = OneParam(Param::Float("lr", 1e-3, 10, Scale::kLog));
  std::mt19937_64 rng(7);
  const int kDraws = 40000;
  int decade[4] = {0, 0, 0, 0};
  for (int n = 0; n < kDraws; ++n) {
    double v = space.Sample(rng)[0];
    int d = static_cast<int>(std::floor(std::log10(v))) + 3;
    ASSERT_GE(d, 0);
    decade[std::min(d, 3)]++;
  }
  // Each decade holds a quarter of a log-uniform draw (a linear one would
  // put 90% in the top decade). Binomial sd here is about 0.002.
  for (int d = 0; d < 4; ++d) EXPECT_NEAR(decade[d] / double(kDraws), 0.25, 0.01) << d;
}

TEST(SpaceSample, LinearFloatIsUniform) {
  Space space = OneParam(Param::Float("x", -2, 2));
  std::mt19937_64 rng(8);
  int below_zero = 0;
  double sum = 0;
  for (int n = 0; n < 20000; ++n) {
    double v = space.Sample(rng)[0];
    below_zero += v < 0;
    sum += v;
  }
  EXPECT_NEAR(below_zero / 20000.0, 0.5, 0.015);
  EXPECT_NEAR(sum / 20000.0, 0.0, 0.03);
}

TEST(SpaceSample, LinearIntIsUniformOverIntegers) {
  Space space = OneParam(Param::Int("n", 1, 3));
  std::mt19937_64 rng(9);
  int count[4] = {0, 0, 0, 0};
  for (int n = 0; n < 30000; ++n) count[static_cast<int>(space.Sample(rng)[0])]++;
  EXPECT_EQ(count[0], 0);
  for (int v = 1; v <= 3; ++v) EXPECT_NEAR(count[v] / 30000.0, 1.0 / 3, 0.015) << v;
}

TEST(SpaceSample, LogIntGivesEachIntegerItsShareOfTheLogRange) {
  Space space = OneParam(Param::Int("dim", 1, 100, Scale::kLog));
  std::mt19937_64 rng(10);
  int small = 0, ones = 0;
  const int kDraws = 40000;
  for (int n = 0; n < kDraws; ++n) {
    double v = space.Sample(rng)[0];
    ASSERT_EQ(v, std::floor(v));
    small += v <= 10;
    ones += v == 1;
  }
  // Integer k owns [k - 1/2, k + 1/2) of the log range [0.5, 100.5).
  double span = std::log(100.5 / 0.5);
  EXPECT_NEAR(small / double(kDraws), std::log(10.5 / 0.5) / span, 0.015);
  EXPECT_NEAR(ones / double(kDraws), std::log(1.5 / 0.5) / span, 0.01);
}

TEST(SpaceSample, ChoicesAreUniform) {
  Space space = MustParse(kFastTextSpaceToml);
  std::mt19937_64 rng(11);
  int count[4] = {0, 0, 0, 0};
  for (int n = 0; n < 20000; ++n) count[static_cast<int>(space.Sample(rng)[3])]++;
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(count[j] / 20000.0, 0.25, 0.015) << j;
}

TEST(SpaceSample, InactiveParametersAreNaN) {
  Space space = MustParse(kFastTextSpaceToml);
  const size_t loss = *space.IndexOf("loss"), neg = *space.IndexOf("neg");
  const size_t minn = *space.IndexOf("minn"), maxn = *space.IndexOf("maxn");
  std::mt19937_64 rng(12);
  int negs = 0, no_negs = 0;
  for (int n = 0; n < 2000; ++n) {
    Config c = space.Sample(rng);
    bool ns = c[loss] == 1;  // "ns" is choice 1
    EXPECT_EQ(std::isnan(c[neg]), !ns);
    EXPECT_EQ(std::isnan(c[maxn]), c[minn] == 0);
    (ns ? negs : no_negs)++;
    EXPECT_FALSE(space.ToJson(c).contains("neg") && !ns);
  }
  EXPECT_GT(negs, 0);
  EXPECT_GT(no_negs, 0);
}

TEST(SpaceSample, ConstraintsAlwaysHold) {
  Space space = MustParse(kFastTextSpaceToml);
  const size_t minn = *space.IndexOf("minn"), maxn = *space.IndexOf("maxn");
  std::mt19937_64 rng(13);
  int tight = 0;
  for (int n = 0; n < 20000; ++n) {
    Config c = space.Sample(rng);
    if (!std::isnan(c[maxn])) {
      ASSERT_GE(c[maxn], c[minn]);
      tight += c[maxn] == c[minn];
    }
  }
  EXPECT_GT(tight, 0);
}

TEST(SpaceSample, ChainedAndStrictConstraintsNeverDeadEnd) {
  // c is drawn before a and b are settled against it; propagation must keep
  // every range non-empty whatever order values are fixed in.
  Result<Space> made = Space::Create(
      {Param::Float("c", 0, 10), Param::Int("a", 0, 10), Param::Float("b", 0, 10, Scale::kLinear),
       Param::Int("d", 1, 10, Scale::kLog)},
      {{"a", Op::kLe, "b"}, {"b", Op::kLt, "c"}, {"d", Op::kGt, "a"}});
  ASSERT_TRUE(made.ok()) << made.message();
  std::mt19937_64 rng(14);
  for (int n = 0; n < 20000; ++n) {
    Config x = made->Sample(rng);
    ASSERT_TRUE(made->Contains(x)) << made->ToJson(x).dump();
    ASSERT_LE(x[1], x[2]);
    ASSERT_LT(x[2], x[0]);
    ASSERT_GT(x[3], x[1]);
  }
}

TEST(SpaceSample, LongConstraintChainsHold) {
  // More constrained parameters than Bounds keeps on the stack.
  auto name = [](int i) {
    std::string n = "p";
    n += std::to_string(i);
    return n;
  };
  std::vector<Param> params;
  std::vector<Constraint> constraints;
  for (int i = 0; i < 24; ++i) {
    params.push_back(i % 2 ? Param::Int(name(i), 0, 40) : Param::Float(name(i), 0, 40));
    if (i > 0) constraints.push_back({name(i - 1), Op::kLt, name(i)});
  }
  Result<Space> made = Space::Create(params, constraints);
  ASSERT_TRUE(made.ok()) << made.message();
  std::mt19937_64 rng(15);
  Config x = made->Sample(rng);
  for (int n = 0; n < 500; ++n) {
    ASSERT_TRUE(made->Contains(x)) << made->ToJson(x).dump();
    for (int i = 1; i < 24; ++i) ASSERT_LT(x[i - 1], x[i]);
    x = n % 2 ? made->Mutate(x, {3, 0.3}, rng) : made->Sample(rng);
  }
}

TEST(SpaceSample, SameSeedGivesSameSequence) {
  Space space = MustParse(kFastTextSpaceToml);
  std::mt19937_64 a(42), b(42), c(43);
  bool differs = false;
  for (int n = 0; n < 200; ++n) {
    Config x = space.Sample(a);
    ASSERT_TRUE(SameConfig(x, space.Sample(b)));
    differs = differs || !SameConfig(x, space.Sample(c));
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace rungs::space
