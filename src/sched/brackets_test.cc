#include "sched/brackets.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

using ::testing::ElementsAre;

Options Geometry(int r, int R, int eta, int s = 0) {
  Options o;
  o.min_epochs = r;
  o.max_epochs = R;
  o.eta = eta;
  o.early_stopping_rate = s;
  o.budget_epochs = 1000;
  return o;
}

TEST(Brackets, RungEpochsGrowByEtaUpToR) {
  const Brackets b(Geometry(1, 27, 3), 4);
  ASSERT_EQ(b.size(), 4);
  EXPECT_THAT(b.epochs(0), ElementsAre(1, 3, 9, 27));
  EXPECT_THAT(b.epochs(1), ElementsAre(3, 9, 27));
  EXPECT_THAT(b.epochs(2), ElementsAre(9, 27));
  EXPECT_THAT(b.epochs(3), ElementsAre(27));
  EXPECT_EQ(b.top_rung(0), 3);
  EXPECT_EQ(b.early_stopping_rate(2), 2);
}

TEST(Brackets, TopRungIsCappedAtR) {
  const Brackets b(Geometry(2, 20, 3), 1);
  EXPECT_THAT(b.epochs(0), ElementsAre(2, 6, 18, 20));
}

TEST(Brackets, EarlyStoppingRateShiftsTheBottomRung) {
  const Brackets b(Geometry(1, 81, 3, 2), 2);
  EXPECT_THAT(b.epochs(0), ElementsAre(9, 27, 81));
  EXPECT_THAT(b.epochs(1), ElementsAre(27, 81));
}

TEST(Brackets, ResumeStartsFromTheRungBelowRestartFromZero) {
  const Brackets b(Geometry(1, 27, 3), 1);
  EXPECT_EQ(b.EpochsFrom(0, 0, job::Promotion::kResume), 0);
  EXPECT_EQ(b.EpochsFrom(0, 2, job::Promotion::kResume), 3);
  EXPECT_EQ(b.Cost(0, 2, job::Promotion::kResume), 6);
  EXPECT_EQ(b.EpochsFrom(0, 2, job::Promotion::kRestart), 0);
  EXPECT_EQ(b.Cost(0, 2, job::Promotion::kRestart), 9);
  EXPECT_EQ(b.Cost(0, 3, job::Promotion::kResume), 18);
}

TEST(Brackets, LearningRateScaleIsGammaToTheRung) {
  Options o = Geometry(1, 27, 3);
  o.lr_gamma = 0.5;
  const Brackets b(o, 1);
  EXPECT_DOUBLE_EQ(b.LrScale(0), 1.0);
  EXPECT_DOUBLE_EQ(b.LrScale(3), 0.125);
}

TEST(Brackets, LevelsAreTheDistinctEpochsOfAllBrackets) {
  const Brackets b(Geometry(1, 27, 3), 3);
  ASSERT_EQ(b.levels(), 4);  // 1, 3, 9 and 27 epochs
  EXPECT_EQ(b.level(0, 0), 0);
  EXPECT_EQ(b.level(0, 3), 3);
  EXPECT_EQ(b.level(1, 0), 1);  // bracket 1 starts at 3 epochs
  EXPECT_EQ(b.level(2, 1), 3);  // every top rung is R's level
}

}  // namespace
}  // namespace rungs::sched
