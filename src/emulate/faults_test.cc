#include "emulate/faults.h"

#include <gtest/gtest.h>

#include <map>

namespace rungs::emulate {
namespace {

TEST(FaultRates, RefusesOutOfRangeFractionsByFlag) {
  FaultRates rates;
  rates.drop = 1.5;
  Status status = rates.Validate();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--fault-drop"), std::string::npos) << status.message();
  rates.drop = -0.1;
  EXPECT_FALSE(rates.Validate().ok());
}

TEST(FaultRates, RefusesFractionsAddingUpToMoreThanOne) {
  FaultRates rates;
  rates.throttle = 0.6;
  rates.timeout = 0.6;
  Status status = rates.Validate();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("add up"), std::string::npos) << status.message();
  rates.timeout = 0.4;
  EXPECT_TRUE(rates.Validate().ok());
}

TEST(FaultDraw, EachKindComesAtRoughlyItsRate) {
  FaultRates rates{0.05, 0.10, 0.15, 0.20, 0.25};
  FaultDraw draw(rates, 7);
  std::map<Fault, int> counts;
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++counts[draw.Next()];
  EXPECT_NEAR(counts[Fault::kThrottle] / double(n), 0.05, 0.01);
  EXPECT_NEAR(counts[Fault::kServerError] / double(n), 0.10, 0.015);
  EXPECT_NEAR(counts[Fault::kFunctionError] / double(n), 0.15, 0.015);
  EXPECT_NEAR(counts[Fault::kTimeout] / double(n), 0.20, 0.015);
  EXPECT_NEAR(counts[Fault::kDrop] / double(n), 0.25, 0.015);
  EXPECT_NEAR(counts[Fault::kNone] / double(n), 0.25, 0.015);
}

TEST(FaultDraw, SameSeedSameFaults) {
  FaultRates rates{0.2, 0.2, 0.2, 0.2, 0.1};
  FaultDraw a(rates, 3), b(rates, 3), c(rates, 4);
  int differences = 0;
  for (int i = 0; i < 200; ++i) {
    Fault fa = a.Next();
    EXPECT_EQ(fa, b.Next());
    differences += fa != c.Next();
  }
  EXPECT_GT(differences, 0);
}

TEST(FaultDraw, NoRatesNoFaults) {
  FaultDraw draw(FaultRates{}, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(draw.Next(), Fault::kNone);
}

}  // namespace
}  // namespace rungs::emulate
