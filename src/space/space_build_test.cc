#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "space/space.h"
#include "testing/spaces.h"

namespace rungs::space {
namespace {

using testing::MustParse;
using testing::kFastTextSpaceToml;

using ::testing::HasSubstr;

TEST(SpaceCreate, BuildsTheSameSpaceAsToml) {
  Param neg = Param::Int("neg", 2, 25);
  neg.When("loss", Op::kEq, {"ns"});
  Result<Space> made = Space::Create(
      {Param::Float("lr", 0.01, 2.0, Scale::kLog), Param::Int("dim", 16, 300, Scale::kLog),
       Param::Int("wordNgrams", 1, 3), Param::Choice("loss", {"softmax", "ns", "hs", "ova"}), neg,
       Param::Int("minn", 0, 6), Param::Int("maxn", 2, 6).When("minn", Op::kGt, {int64_t{0}}),
       Param::Choice("bucket", {int64_t{500000}, int64_t{1000000}, int64_t{2000000}}),
       Param::Float("t", 1e-5, 1e-3, Scale::kLog), Param::Int("ws", 3, 7),
       Param::Fixed("lrUpdateRate", int64_t{100})},
      {{"maxn", Op::kGe, "minn"}});
  ASSERT_TRUE(made.ok()) << made.message();
  EXPECT_TRUE(*made == MustParse(kFastTextSpaceToml)) << made->ToToml();
}

TEST(SpaceCreate, IgnoresFieldsTheKindDoesNotUse) {
  Param odd = Param::Choice("c", {"x", "y"});
  odd.min = 5;
  odd.scale = Scale::kLog;
  Result<Space> a = Space::Create({odd});
  Result<Space> b = Space::Create({Param::Choice("c", {"x", "y"})});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
}

TEST(SpaceCreate, NamesTheOriginAndTheParameter) {
  Result<Space> bad = Space::Create({Param::Float("lr", 2, 1)}, {}, "tuner flags");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.message(), HasSubstr("tuner flags: parameter 'lr': min (2.0) must be less"));
}

TEST(SpaceCreate, RefusesDuplicateEmptyAndMissingNames) {
  EXPECT_THAT(Space::Create({Param::Int("a", 0, 1), Param::Int("a", 0, 2)}).message(),
              HasSubstr("parameter 'a': the name appears twice"));
  EXPECT_THAT(Space::Create({Param::Int("", 0, 1)}).message(), HasSubstr("the name is empty"));
  EXPECT_THAT(Space::Create({}).message(), HasSubstr("no parameters"));
}

TEST(SpaceCreate, RefusesConditionsThatCannotBeEvaluated) {
  Param loss = Param::Choice("loss", {"ns", "hs"});
  EXPECT_THAT(Space::Create({loss, Param::Int("n", 0, 1).When("loss", Op::kLt, {int64_t{3}})}).message(),
              HasSubstr("'<' needs numeric choices"));
  EXPECT_THAT(Space::Create({Param::Int("m", 0, 9), Param::Int("n", 0, 1).When("m", Op::kEq, {"x"})})
                  .message(),
              HasSubstr("compares a number with \"x\""));
  EXPECT_THAT(Space::Create({loss, Param::Int("n", 0, 1).When("loss", Op::kEq, {"ns", "hs"})}).message(),
              HasSubstr("'==' takes exactly one value"));
  EXPECT_THAT(Space::Create({loss, Param::Int("n", 0, 1).When("loss", Op::kIn, {})}).message(),
              HasSubstr("'in' takes one or more values"));
}

TEST(SpaceCreate, ConditionsOnFixedAndNumericParentsWork) {
  Result<Space> made = Space::Create(
      {Param::Fixed("mode", "fast"), Param::Int("k", 0, 4),
       Param::Float("a", 0, 1).When("mode", Op::kEq, {"fast"}),
       Param::Float("b", 0, 1).When("mode", Op::kNe, {"fast"}),
       Param::Float("c", 0, 1).When("k", Op::kIn, {int64_t{1}, int64_t{3}}),
       Param::Float("d", 0, 1).When("k", Op::kLe, {int64_t{1}}).When("c", Op::kGe, {0.5})});
  ASSERT_TRUE(made.ok()) << made.message();
  std::mt19937_64 rng(51);
  int d_active = 0;
  for (int n = 0; n < 2000; ++n) {
    Config x = made->Sample(rng);
    ASSERT_FALSE(std::isnan(x[2]));
    ASSERT_TRUE(std::isnan(x[3]));
    ASSERT_EQ(std::isnan(x[4]), x[1] != 1 && x[1] != 3);
    bool d = x[1] <= 1 && !std::isnan(x[4]) && x[4] >= 0.5;  // k = 1 and c >= 0.5
    ASSERT_EQ(!std::isnan(x[5]), d);
    d_active += d;
  }
  EXPECT_GT(d_active, 50);
}

}  // namespace
}  // namespace rungs::space
