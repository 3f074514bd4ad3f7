#include "report/html_report.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rungs::report {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Three trials: two stop at 1 epoch, one is promoted to 3 epochs; one failed.
ReportData SmallSearch() {
  ReportData d;
  d.title = "test <search>";
  d.metric_name = "accuracy";
  d.results = {{1, 0, 1, 0.50, true, 1.0},
               {2, 0, 1, 0.70, true, 2.0},
               {3, 0, 1, 0.0, false, 2.5},
               {2, 1, 3, 0.80, true, 5.0}};
  d.params = {{"lr", true, {}}, {"loss", false, {"softmax", "ns"}}};
  d.configs = {{1, {0.1, 0}}, {2, {0.5, 1}}, {3, {1.0, std::nan("")}}};
  d.summary = {{"best", "trial 2"}};
  return d;
}

TEST(HtmlReport, IsSelfContained) {
  std::string html = RenderReport(SmallSearch());
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
}

TEST(HtmlReport, DrawsOkResultsOnlyAndEveryChart) {
  std::string html = RenderReport(SmallSearch());
  // Progress chart: 3 ok results; param charts: lr (trials 1, 2) and loss
  // (trials 1, 2); the failed trial 3 is drawn nowhere.
  EXPECT_EQ(Count(html, "<circle"), 3u + 2u + 2u);
  EXPECT_EQ(Count(html, "<svg class=\"chart\""), 4u);  // progress, ladder, lr, loss
  EXPECT_EQ(Count(html, "class=\"best\""), 1u);
  EXPECT_EQ(Count(html, "class=\"band\""), 1u);
}

TEST(HtmlReport, LadderCountsTrialsPerRung) {
  std::string html = RenderReport(SmallSearch());
  // 3 trials reached 1 epoch (the failed one too), 1 reached 3 epochs.
  EXPECT_EQ(Count(html, "class=\"bar\""), 2u);
  EXPECT_NE(html.find(">3</text>"), std::string::npos);
  EXPECT_NE(html.find(">1</text>"), std::string::npos);
  EXPECT_NE(html.find("3 ep"), std::string::npos);
}

TEST(HtmlReport, EscapesUserText) {
  std::string html = RenderReport(SmallSearch());
  EXPECT_NE(html.find("test &lt;search&gt;"), std::string::npos);
  EXPECT_EQ(html.find("test <search>"), std::string::npos);
}

TEST(HtmlReport, EmptySearchStillRenders) {
  ReportData d;
  d.title = "nothing yet";
  std::string html = RenderReport(d);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(Count(html, "<circle"), 0u);
}

TEST(HtmlReport, LargeSearchesDrawAThinnedScatterAndSaySo) {
  ReportData d;
  d.metric_name = "accuracy";
  for (uint32_t t = 0; t < 20000; ++t) d.results.push_back({t, 0, 1, (t % 1000) / 1000.0, true, 1.0 * t});
  ReportParts parts = RenderParts(d);
  size_t dots = Count(parts.progress, "<circle");
  EXPECT_GT(dots, 3000u);
  EXPECT_LE(dots, 4000u);
  EXPECT_NE(parts.footer.find("one result in 5"), std::string::npos) << parts.footer;
  // The best so far rises through every value up to 0.999 and then holds:
  // about a thousand steps, not twenty thousand points.
  EXPECT_LT(parts.progress.size(), 600000u);
  EXPECT_EQ(Count(RenderParts(SmallSearch()).footer, "one result in"), 0u);
}

TEST(HtmlReport, HyperparameterScattersDrawAtMostAThousandTrialsEach) {
  ReportData d;
  d.metric_name = "accuracy";
  d.params = {{"lr", true, {}}, {"dim", false, {}}};
  for (uint32_t t = 0; t < 3000; ++t) {
    d.results.push_back({t, 0, 1, (t % 100) / 100.0, true, 1.0 * t});
    d.configs.push_back({t, {0.01 + t / 3000.0, double(t % 50)}});
  }
  ReportParts parts = RenderParts(d);
  ASSERT_EQ(parts.params.size(), 2u);
  for (const std::string& chart : parts.params) EXPECT_EQ(Count(chart, "<circle"), 1000u);
  EXPECT_EQ(Count(parts.progress, "<circle"), 3000u);  // under the progress chart's limit
  EXPECT_NE(parts.footer.find("every result against time and one trial in 3 against"), std::string::npos)
      << parts.footer;
}

TEST(HtmlReport, LearningCurveShowsOneTrialsOkRungs) {
  std::string svg = RenderLearningCurve(SmallSearch(), 2);
  EXPECT_EQ(Count(svg, "<circle"), 2u);  // trial 2 at 1 and 3 epochs
  EXPECT_EQ(Count(svg, "class=\"curve\""), 1u);
  EXPECT_EQ(Count(RenderLearningCurve(SmallSearch(), 3), "<circle"), 0u);  // failed
}

TEST(HtmlReport, ComparisonDrawsOneBestLinePerExperimentWithItsName) {
  ReportData a = SmallSearch(), b = SmallSearch();
  b.results.push_back({4, 0, 1, 0.9, true, 6.0});
  for (CompareAxis axis : {CompareAxis::kSeconds, CompareAxis::kEpochs}) {
    std::string svg = RenderComparison({&a, &b}, {"run <a>", "run b"}, axis);
    EXPECT_EQ(Count(svg, "class=\"best\""), 2u);
    EXPECT_NE(svg.find("run &lt;a&gt;"), std::string::npos);
    EXPECT_NE(svg.find("run b"), std::string::npos);
  }
}

}  // namespace
}  // namespace rungs::report
