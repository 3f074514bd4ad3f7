#include "report/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rungs::report {
namespace {

void ExpectTicks(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

TEST(NiceTicks, LinearTicksAreRoundAndCoverTheRange) {
  ExpectTicks(NiceTicks(0, 1, 5, false), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  ExpectTicks(NiceTicks(3, 97, 5, false), {20, 40, 60, 80});
}

TEST(NiceTicks, LogTicksArePowersOfTen) {
  ExpectTicks(NiceTicks(0.001, 2, 5, true), {0.001, 0.01, 0.1, 1});
}

TEST(NiceTicks, LogRangeWithinOneDecadeFallsBackToLinear) {
  std::vector<double> ticks = NiceTicks(0.2, 0.8, 3, true);
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_DOUBLE_EQ(ticks.front(), 0.2);
}

TEST(SvgPlot, PointsOutsideNothingAndNonFiniteAreSkipped) {
  SvgPlot plot(200, 100, Axis{"x", 0, 10}, Axis{"y", 0, 1});
  std::vector<Point> pts = {{1, 0.5}, {2, std::nan("")}, {3, 0.7}};
  plot.AddPoints(pts, "#000", 2, "results");
  std::string svg = plot.Render("t");
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 2u);
}

TEST(SvgPlot, TextIsEscaped) {
  SvgPlot plot(200, 100, Axis{"a<b", 0, 1}, Axis{"y", 0, 1});
  std::string svg = plot.Render("x & y");
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
  EXPECT_NE(svg.find("x &amp; y"), std::string::npos);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
}

}  // namespace
}  // namespace rungs::report
