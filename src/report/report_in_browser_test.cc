// Opens a rendered report in headless Chromium (Debian's `chromium`) and
// checks that the browser laid out every chart with marks in it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "report/html_report.h"
#include "testing/run_program.h"
#include "testing/temp_dir.h"

namespace rungs::report {
namespace {

TEST(ReportInBrowser, ChromiumRendersEveryChart) {
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    GTEST_SKIP() << "/usr/bin/chromium is missing (scripts/setup.sh installs Debian's chromium): "
                    "the report was not checked in a browser";
  }
  ReportData d;
  d.title = "browser check";
  d.metric_name = "accuracy";
  d.params = {{"lr", true, {}}, {"dim", false, {}}, {"loss", false, {"softmax", "ns", "hs"}}};
  for (uint32_t t = 1; t <= 30; ++t) {
    double lr = 0.01 * std::pow(1.2, t), score = 0.5 + 0.01 * t;
    d.results.push_back({t, 0, 1, score, true, 1.0 * t});
    if (t % 3 == 0) d.results.push_back({t, 1, 3, score + 0.05, true, 1.0 * t + 2});
    d.configs.push_back({t, {lr, 10.0 + t, static_cast<double>(t % 3)}});
  }
  const std::filesystem::path dir = testing::FreshDir();
  std::ofstream(dir / "report.html") << RenderReport(d);

  int status = 0;
  std::string dom = testing::RunCommand(
      "/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir=" + (dir / "profile").string() +
      " --virtual-time-budget=3000 --dump-dom file://" + (dir / "report.html").string() +
      " 2>/dev/null",
      status);

  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("data-charts-rendered=\"(\\d+)\"")))
      << "the page's load probe did not run; DOM begins: " << dom.substr(0, 300);
  EXPECT_EQ(m[1], "5");  // progress, ladder, and one per parameter
}

}  // namespace
}  // namespace rungs::report
