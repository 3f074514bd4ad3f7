#include "sched/options.h"

#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

using ::testing::HasSubstr;

TEST(Schedule, LinearAtStartMiddleEnd) {
  const Schedule s{0.2, 0.8, Shape::kLinear};
  EXPECT_DOUBLE_EQ(s.At(0), 0.2);
  EXPECT_DOUBLE_EQ(s.At(0.5), 0.5);
  EXPECT_DOUBLE_EQ(s.At(1), 0.8);
}

TEST(Schedule, CosineMovesSlowlyAtTheEnds) {
  const Schedule s{8, 2, Shape::kCosine};
  EXPECT_DOUBLE_EQ(s.At(0), 8);
  EXPECT_NEAR(s.At(0.5), 5, 1e-12);
  EXPECT_NEAR(s.At(1), 2, 1e-12);
  EXPECT_GT(s.At(0.1), 8 - 6 * 0.1);  // less than a linear step so far
}

TEST(Schedule, ExponentialIsGeometric) {
  const Schedule s{0.25, 0.0625, Shape::kExponential};
  EXPECT_DOUBLE_EQ(s.At(0), 0.25);
  EXPECT_NEAR(s.At(0.5), 0.125, 1e-12);
  EXPECT_NEAR(s.At(1), 0.0625, 1e-12);
}

TEST(Schedule, ConstantIgnoresEnd) {
  const Schedule s{3, 9, Shape::kConstant};
  EXPECT_DOUBLE_EQ(s.At(0.7), 3);
}

TEST(Schedule, ClampsTOutsideTheUnitInterval) {
  const Schedule s{1, 2, Shape::kLinear};
  EXPECT_DOUBLE_EQ(s.At(-1), 1);
  EXPECT_DOUBLE_EQ(s.At(7), 2);
  EXPECT_DOUBLE_EQ(s.At(std::numeric_limits<double>::quiet_NaN()), 1);
}

TEST(Schedule, DefaultsRiseAndNarrow) {
  const EvolutionOptions e;
  EXPECT_LT(e.probability.At(0), e.probability.At(1));
  EXPECT_GT(e.tournament.At(0), e.tournament.At(1));
  EXPECT_GT(e.params.At(0), e.params.At(1));
  EXPECT_GT(e.sigma.At(0), e.sigma.At(1));
}

Options Valid() {
  Options o;
  o.budget_epochs = 100;
  return o;
}

TEST(Validate, AcceptsTheDefaultsWithABudget) { EXPECT_TRUE(Validate(Valid()).ok()); }

TEST(Validate, RefusesEtaBelowTwo) {
  Options o = Valid();
  o.eta = 1;
  const Status s = Validate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'eta' must be >= 2, got 1"));
}

TEST(Validate, RefusesMinAboveMax) {
  Options o = Valid();
  o.min_epochs = 30;
  o.max_epochs = 27;
  EXPECT_THAT(Validate(o).message(), HasSubstr("'max_epochs' (R = 27) must be >= min_epochs (r = 30)"));
}

TEST(Validate, RefusesAnExperimentWithoutLimits) {
  Options o;
  EXPECT_THAT(Validate(o).message(), HasSubstr("no limit"));
}

TEST(Validate, RefusesMoreBracketsThanTheRangeAllows) {
  Options o = Valid();  // r = 1, R = 27, eta = 3: s in [0, 3]
  o.brackets = 4;
  EXPECT_TRUE(Validate(o).ok());
  o.brackets = 5;
  EXPECT_THAT(Validate(o).message(), HasSubstr("'brackets' must be in [0, 4]"));
  o.brackets = 1;
  o.early_stopping_rate = 4;
  EXPECT_THAT(Validate(o).message(), HasSubstr("'early_stopping_rate' must be in [0, 3]"));
}

TEST(Validate, RefusesBadEvolutionSchedules) {
  Options o = Valid();
  o.evolution.probability.end = 1.5;
  EXPECT_THAT(Validate(o).message(), HasSubstr("'evolution.probability' must stay within [0, 1], got 1.5"));
  o = Valid();
  o.evolution.sigma = Schedule{0.1, 0, Shape::kLinear};
  EXPECT_THAT(Validate(o).message(),
              HasSubstr("'evolution.sigma' must stay within [1e-09, 10], got 0"));
  o = Valid();
  o.evolution.min_parents = 300;
  EXPECT_THAT(Validate(o).message(), HasSubstr("'evolution.min_parents' must be in [1, pool_size = 256]"));
}

TEST(Validate, RefusesGammaOutsideUnitInterval) {
  Options o = Valid();
  o.lr_gamma = 0;
  EXPECT_THAT(Validate(o).message(), HasSubstr("'lr_gamma'"));
  o.lr_gamma = std::nan("");
  EXPECT_FALSE(Validate(o).ok());
}

TEST(ParseShape, KnowsEveryShapeAndNamesTheBadOne) {
  EXPECT_EQ(*ParseShape("cosine"), Shape::kCosine);
  EXPECT_EQ(*ParseShape("exponential"), Shape::kExponential);
  EXPECT_THAT(ParseShape("wobbly").message(), HasSubstr("'wobbly'"));
  EXPECT_EQ(*ParseDirection("min"), Direction::kMinimize);
  EXPECT_FALSE(ParseDirection("up").ok());
}

}  // namespace
}  // namespace rungs::sched
