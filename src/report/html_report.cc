#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "report/svg_plot.h"

namespace rungs::report {
namespace {

constexpr int kWide = 900, kTall = 380, kSmall = 420, kSmallTall = 260;

// The progress scatter draws at most this many results, and each small
// hyperparameter scatter at most this many trials: beyond it every k-th, so
// a page of 100,000 trials with ten parameters stays light (15,000 dots in
// all, not a million). The lines and bands stay exact.
constexpr size_t kMaxDots = 4000;
constexpr size_t kMaxParamDots = 1000;

size_t DotStride(size_t n, size_t most) { return n <= most ? 1 : (n + most - 1) / most; }

// Drops the points of a staircase that repeat the value before them (and
// are not the last): the same picture, with as many points as changes.
std::vector<Point> Changes(const std::vector<Point>& stairs) {
  std::vector<Point> kept;
  for (size_t i = 0; i < stairs.size(); ++i) {
    if (i == 0 || i + 1 == stairs.size() || stairs[i].y != stairs[i - 1].y) kept.push_back(stairs[i]);
  }
  return kept;
}

const char* RungColor(size_t level) {
  static const char* kPalette[] = {"#9ecae1", "#6baed6", "#4292c6", "#2171b5",
                                   "#08519c", "#08306b", "#54278f", "#3f007d"};
  return kPalette[std::min<size_t>(level, std::size(kPalette) - 1)];
}

// Distinct epoch counts in increasing order: the ladder's steps, the same
// for every bracket.
std::vector<int> LadderSteps(const ReportData& data) {
  std::vector<int> steps;
  for (const RungResult& r : data.results) steps.push_back(r.epochs);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

size_t StepOf(const std::vector<int>& steps, int epochs) {
  return static_cast<size_t>(std::lower_bound(steps.begin(), steps.end(), epochs) - steps.begin());
}

Axis MetricAxis(const ReportData& data, const std::vector<const RungResult*>& ok) {
  Axis y{data.metric_name};
  y.min = y.max = ok.empty() ? 0 : ok.front()->metric;
  for (const RungResult* r : ok) {
    y.min = std::min(y.min, r->metric);
    y.max = std::max(y.max, r->metric);
  }
  double pad = (y.max - y.min) * 0.05;
  y.min -= pad;
  y.max += pad;
  return y;
}

std::string ProgressChart(const ReportData& data, const std::vector<const RungResult*>& ok,
                          const std::vector<int>& steps) {
  std::vector<const RungResult*> by_time = ok;
  std::stable_sort(by_time.begin(), by_time.end(),
                   [](auto* a, auto* b) { return a->finished_at < b->finished_at; });
  Axis x{"wall time (s)", 0, by_time.empty() ? 1 : by_time.back()->finished_at};
  SvgPlot plot(kWide, kTall, x, MetricAxis(data, ok));

  std::vector<Point> low, high;
  for (const RungResult* r : by_time) {
    double lo = low.empty() ? r->metric : std::min(low.back().y, r->metric);
    double hi = high.empty() ? r->metric : std::max(high.back().y, r->metric);
    // The band needs both edges at the same x: keep a point when either moves.
    if (low.size() >= 2 && lo == low.back().y && hi == high.back().y &&
        lo == low[low.size() - 2].y && hi == high[high.size() - 2].y) {
      low.back().x = high.back().x = r->finished_at;
      continue;
    }
    low.push_back({r->finished_at, lo});
    high.push_back({r->finished_at, hi});
  }
  std::vector<Point> best = Changes(data.maximize ? high : low);
  plot.AddBand(low, high, "#fd8d3c", "band");
  std::vector<std::pair<std::string, std::string>> legend;
  const size_t stride = DotStride(by_time.size(), kMaxDots);
  for (size_t s = 0; s < steps.size(); ++s) {
    std::vector<Point> pts;
    for (size_t i = 0; i < by_time.size(); i += stride) {
      const RungResult* r = by_time[i];
      if (StepOf(steps, r->epochs) == s) pts.push_back({r->finished_at, r->metric});
    }
    plot.AddPoints(pts, RungColor(s), 3.5, "results");
    legend.push_back({RungColor(s), std::to_string(steps[s]) + " ep"});
  }
  plot.AddLine(best, "#d62728", /*step=*/true, "best");
  legend.push_back({"#d62728", "best so far"});
  legend.push_back({"#fdd0a2", "worst-best band"});
  plot.AddLegend(legend);
  return plot.Render("metric against wall time");
}

std::string LadderChart(const ReportData& data, const std::vector<int>& steps) {
  std::vector<std::vector<uint32_t>> trials(steps.size());
  for (const RungResult& r : data.results) trials[StepOf(steps, r.epochs)].push_back(r.trial);
  Axis x{"rung (epochs trained)"};
  for (int e : steps) x.categories.push_back(std::to_string(e) + " ep");
  size_t most = 1;
  for (auto& t : trials) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    most = std::max(most, t.size());
  }
  SvgPlot plot(kWide, kSmallTall, x, Axis{"trials", 0, most * 1.12});
  for (size_t s = 0; s < steps.size(); ++s) {
    plot.AddBar(static_cast<double>(s), 0.6, static_cast<double>(trials[s].size()), RungColor(s),
                std::to_string(trials[s].size()));
  }
  return plot.Render("rung ladder");
}

// Each trial's ok result at its highest rung: the value it is judged by.
using TopResults = std::unordered_map<uint32_t, const RungResult*>;
TopResults TopResultOfEachTrial(const std::vector<const RungResult*>& ok) {
  TopResults top;
  for (const RungResult* r : ok) {
    auto& t = top[r->trial];
    if (!t || r->epochs > t->epochs) t = r;
  }
  return top;
}

// `metric`: the metric's axis, the same for every parameter.
std::string ParamChart(const ReportData& data, size_t p, const Axis& metric, const TopResults& top,
                       const std::vector<int>& steps) {
  const ParamInfo& info = data.params[p];
  Axis x{info.name};
  x.log = info.log;
  x.categories = info.categories;
  std::map<size_t, std::vector<Point>> by_step;
  bool first = true;
  const size_t stride = DotStride(data.configs.size(), kMaxParamDots);
  for (size_t i = 0; i < data.configs.size(); i += stride) {
    const TrialConfig& c = data.configs[i];
    auto it = top.find(c.trial);
    if (it == top.end() || p >= c.values.size() || std::isnan(c.values[p])) continue;
    double v = c.values[p];
    x.min = first ? v : std::min(x.min, v);
    x.max = first ? v : std::max(x.max, v);
    first = false;
    by_step[StepOf(steps, it->second->epochs)].push_back({v, it->second->metric});
  }
  if (x.categories.empty() && x.max > x.min) {  // keep points off the axis line
    if (x.log) {
      x.min /= 1.1;
      x.max *= 1.1;
    } else {
      double pad = (x.max - x.min) * 0.04;
      x.min -= pad;
      x.max += pad;
    }
  }
  SvgPlot plot(kSmall, kSmallTall, x, metric);
  for (const auto& [s, pts] : by_step) plot.AddPoints(pts, RungColor(s), 3, "results");
  return plot.Render(info.name + " against " + data.metric_name);
}

std::string SummaryTable(const ReportData& data) {
  std::string s = "<table class=\"summary\">";
  for (const auto& [key, value] : data.summary) {
    s += "<tr><th>" + EscapeXml(key) + "</th><td>" + EscapeXml(value) + "</td></tr>";
  }
  return s + "</table>\n";
}

constexpr const char* kStyle = R"(<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table.summary th{text-align:left;padding-right:16px;font-weight:600}
.params{display:flex;flex-wrap:wrap;gap:8px}
svg.chart{background:#fff;border:1px solid #ddd}
</style>)";

// Marks the page once the browser has laid the charts out, so a headless
// browser test can tell the charts really rendered (no network involved).
constexpr const char* kRenderedProbe = R"(<script>
addEventListener('load',()=>{let n=0;for(const s of document.querySelectorAll('svg.chart')){
const b=s.getBBox();if(b.width>0&&b.height>0&&s.querySelector('circle,rect.bar,path'))n++;}
document.documentElement.dataset.chartsRendered=n;});
</script>)";

std::vector<const RungResult*> OkResults(const ReportData& data) {
  std::vector<const RungResult*> ok;
  for (const RungResult& r : data.results) {
    if (r.ok && std::isfinite(r.metric)) ok.push_back(&r);
  }
  return ok;
}

}  // namespace

ReportParts RenderParts(const ReportData& data) {
  std::vector<const RungResult*> ok = OkResults(data);
  std::vector<int> steps = LadderSteps(data);
  ReportParts parts;
  parts.summary = SummaryTable(data);
  parts.progress = ProgressChart(data, ok, steps);
  parts.ladder = LadderChart(data, steps);
  TopResults top = TopResultOfEachTrial(ok);
  Axis metric = MetricAxis(data, ok);
  for (size_t p = 0; p < data.params.size(); ++p) {
    parts.params.push_back(ParamChart(data, p, metric, top, steps));
  }
  parts.footer = std::to_string(data.results.size()) + " results, " + std::to_string(ok.size()) +
                 " ok; best " + (data.maximize ? "highest " : "lowest ") +
                 EscapeXml(data.metric_name) + ".";
  size_t results = DotStride(ok.size(), kMaxDots);
  size_t trials = data.params.empty() ? 1 : DotStride(data.configs.size(), kMaxParamDots);
  if (results > 1 || trials > 1) {
    auto share = [](size_t stride, const std::string& what) {
      return stride == 1 ? "every " + what : "one " + what + " in " + std::to_string(stride);
    };
    parts.footer += " The scatters show " + share(results, "result") + " against time and " +
                    share(trials, "trial") + " against each hyperparameter; the lines use all of them.";
  }
  return parts;
}

std::string RenderReport(const ReportData& data) {
  ReportParts parts = RenderParts(data);
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     EscapeXml(data.title) + "</title>" + kStyle + "</head><body>\n";
  html += "<h1>" + EscapeXml(data.title) + "</h1>\n" + parts.summary;
  html += "<h2>Search progress</h2>\n" + parts.progress;
  html += "<h2>Rung ladder</h2>\n" + parts.ladder;
  html += "<h2>Hyperparameters against " + EscapeXml(data.metric_name) +
          "</h2>\n<div class=\"params\">\n";
  for (const std::string& chart : parts.params) html += chart;
  html += "</div>\n<p>" + parts.footer + "</p>\n";
  return html + kRenderedProbe + "</body></html>\n";
}

std::string RenderLearningCurve(const ReportData& data, uint32_t trial) {
  std::vector<Point> curve;
  for (const RungResult* r : OkResults(data)) {
    if (r->trial == trial) curve.push_back({double(r->epochs), r->metric});
  }
  std::sort(curve.begin(), curve.end(), [](Point a, Point b) { return a.x < b.x; });
  Axis x{"epochs", 0, curve.empty() ? 1 : curve.back().x * 1.05};
  Axis y{data.metric_name, 0, 1};
  if (!curve.empty()) {
    auto [lo, hi] = std::minmax_element(curve.begin(), curve.end(),
                                        [](Point a, Point b) { return a.y < b.y; });
    double pad = std::max((hi->y - lo->y) * 0.1, 1e-3);
    y.min = lo->y - pad;
    y.max = hi->y + pad;
  }
  SvgPlot plot(kSmall, kSmallTall, x, y);
  plot.AddLine(curve, "#2171b5", /*step=*/false, "curve");
  plot.AddPoints(curve, "#2171b5", 3.5, "results");
  return plot.Render("trial " + std::to_string(trial) + ": learning curve");
}

std::string RenderComparison(const std::vector<const ReportData*>& data,
                             const std::vector<std::string>& names, CompareAxis axis) {
  static const char* kLines[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  std::vector<std::vector<Point>> lines;
  Axis x{axis == CompareAxis::kSeconds ? "wall time (s)" : "epochs trained", 0, 1};
  Axis y{data.empty() ? "metric" : data.front()->metric_name, 0, 1};
  bool any = false;
  for (const ReportData* d : data) {
    std::vector<const RungResult*> by_time;
    for (const RungResult& r : d->results) by_time.push_back(&r);
    std::stable_sort(by_time.begin(), by_time.end(),
                     [](auto* a, auto* b) { return a->finished_at < b->finished_at; });
    std::vector<Point>& line = lines.emplace_back();
    double epochs = 0;
    for (const RungResult* r : by_time) {
      epochs += r->epochs_trained;
      double at = axis == CompareAxis::kSeconds ? r->finished_at : epochs;
      x.max = std::max(x.max, at);
      if (!r->ok || !std::isfinite(r->metric)) continue;
      double best = line.empty() ? r->metric
                    : d->maximize ? std::max(line.back().y, r->metric)
                                  : std::min(line.back().y, r->metric);
      line.push_back({at, best});
      y.min = any ? std::min(y.min, best) : best;
      y.max = any ? std::max(y.max, best) : best;
      any = true;
    }
  }
  double pad = std::max((y.max - y.min) * 0.05, 1e-3);
  y.min -= pad;
  y.max += pad;
  SvgPlot plot(kWide, kTall, x, y);
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t i = 0; i < lines.size(); ++i) {
    const char* color = kLines[i % std::size(kLines)];
    plot.AddLine(Changes(lines[i]), color, /*step=*/true, "best");
    legend.push_back({color, i < names.size() ? names[i] : std::to_string(i + 1)});
  }
  plot.AddLegend(legend);
  return plot.Render(axis == CompareAxis::kSeconds ? "best so far against wall time"
                                                   : "best so far against epochs trained");
}

}  // namespace rungs::report
