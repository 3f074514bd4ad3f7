#include "trial/metric_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <clocale>
#include <cmath>

namespace rungs::trial {
namespace {

using ::testing::HasSubstr;

MetricLine Parse(std::string_view line) {
  Result<std::optional<MetricLine>> parsed = ParseMetricLine(line);
  EXPECT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_TRUE(parsed.ok() && parsed->has_value()) << line;
  return parsed.ok() && parsed->has_value() ? **parsed : MetricLine{};
}

std::string ErrorOf(std::string_view line) {
  Result<std::optional<MetricLine>> parsed = ParseMetricLine(line);
  EXPECT_FALSE(parsed.ok()) << line;
  return parsed.ok() ? "" : parsed.message();
}

TEST(MetricLine, ReadsEpochAndEveryMetricInOrder) {
  MetricLine m = Parse("rungs-metric epoch=3 value=0.8125 loss=4.1e-1\r");
  EXPECT_EQ(m.epoch, 3);
  ASSERT_EQ(m.metrics.size(), 2u);
  EXPECT_EQ(m.metrics[0].first, "value");
  EXPECT_DOUBLE_EQ(*m.Find("value"), 0.8125);
  EXPECT_DOUBLE_EQ(*m.Find("loss"), 0.41);
  EXPECT_FALSE(m.Find("accuracy").has_value());
}

TEST(MetricLine, FieldsMayComeInAnyOrderWithAnyBlanks) {
  MetricLine m = Parse("  rungs-metric\tvalue=+2   epoch=12 ");
  EXPECT_EQ(m.epoch, 12);
  EXPECT_DOUBLE_EQ(*m.Find("value"), 2.0);
}

TEST(MetricLine, NanAndInfinityAreNumbers) {
  EXPECT_TRUE(std::isnan(*Parse("rungs-metric epoch=1 value=nan").Find("value")));
  EXPECT_TRUE(std::isnan(*Parse("rungs-metric epoch=1 value=NaN").Find("value")));
  EXPECT_TRUE(std::isinf(*Parse("rungs-metric epoch=1 value=-inf").Find("value")));
  EXPECT_TRUE(std::isinf(*Parse("rungs-metric epoch=1 value=Infinity").Find("value")));
}

TEST(MetricLine, OtherLinesAreNotMetricLines) {
  for (std::string_view line : {"", "epoch 1 done", "rungs-metrics epoch=1 value=2",
                                "# rungs-metric epoch=1 value=2", "xrungs-metric epoch=1"}) {
    Result<std::optional<MetricLine>> parsed = ParseMetricLine(line);
    ASSERT_TRUE(parsed.ok()) << line;
    EXPECT_FALSE(parsed->has_value()) << line;
  }
}

TEST(MetricLine, RefusesMalformedFieldsNamingThem) {
  EXPECT_THAT(ErrorOf("rungs-metric epoch=1 value"), HasSubstr("'value' is not key=value"));
  EXPECT_THAT(ErrorOf("rungs-metric epoch=1 =3"), HasSubstr("not key=value"));
  EXPECT_THAT(ErrorOf("rungs-metric value=1"), HasSubstr("no epoch"));
  EXPECT_THAT(ErrorOf("rungs-metric epoch=1.5 value=1"), HasSubstr("epoch '1.5'"));
  EXPECT_THAT(ErrorOf("rungs-metric epoch=-1 value=1"), HasSubstr("epoch '-1'"));
  EXPECT_THAT(ErrorOf("rungs-metric epoch=1 value=0.5x"), HasSubstr("'0.5x' of 'value'"));
  EXPECT_THAT(ErrorOf("rungs-metric epoch=1 value="), HasSubstr("of 'value' is not a number"));
  EXPECT_THAT(ErrorOf("rungs-metric epoch=1 value=1 value=2"), HasSubstr("'value' appears twice"));
}

TEST(MetricLine, ReadsTheSameWhateverTheLocale) {
  // A locale with a decimal comma must not change how "0.5" reads.
  const char* previous = std::setlocale(LC_NUMERIC, nullptr);
  std::string saved = previous ? previous : "C";
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") == nullptr) {
    GTEST_SKIP() << "locale de_DE.UTF-8 is not installed";
  }
  MetricLine m = Parse("rungs-metric epoch=1 value=0.5");
  std::setlocale(LC_NUMERIC, saved.c_str());
  EXPECT_DOUBLE_EQ(*m.Find("value"), 0.5);
}

}  // namespace
}  // namespace rungs::trial
