// Opens a rendered report in headless Chromium (Debian's `chromium`) and
// checks that the browser laid out every chart with marks in it.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>

#include "report/html_report.h"

namespace rungs::report {
namespace {

std::string RunAndCapture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe.get())) out.append(buf.data(), n);
  return out;
}

TEST(ReportInBrowser, ChromiumRendersEveryChart) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "chromium is installed by scripts/setup.sh";
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
  auto dir = std::filesystem::temp_directory_path() / ("rungs_report_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "report.html") << RenderReport(d);

  std::string dom = RunAndCapture(
      "/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir=" + (dir / "profile").string() +
      " --virtual-time-budget=3000 --dump-dom file://" + (dir / "report.html").string() +
      " 2>/dev/null");
  std::filesystem::remove_all(dir);

  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("data-charts-rendered=\"(\\d+)\"")))
      << "the page's load probe did not run; DOM begins: " << dom.substr(0, 300);
  EXPECT_EQ(m[1], "5");  // progress, ladder, and one per parameter
}

}  // namespace
}  // namespace rungs::report
