// The experiment report: one self-contained HTML page (inline SVG charts, no
// script or font from the network) showing how a search went.
//
// Charts: every result's metric against wall time with the best-so-far line
// and the band between the worst and best score so far; the rung ladder (how
// many trials reached each rung); each hyperparameter against the metric.
// The page is built from plain data, so it can be rebuilt from the journal at
// any time without touching it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rungs::report {

// One rung result of one trial.
struct RungResult {
  uint32_t trial = 0;
  int rung = 0;
  int epochs = 0;
  double metric = 0;
  bool ok = true;          // false: failed, diverged or timed out (not plotted)
  double finished_at = 0;  // seconds since the experiment started
  int epochs_trained = 0;  // by this job (its cost in epochs)
};

struct ParamInfo {
  std::string name;
  bool log = false;
  std::vector<std::string> categories;  // empty for numeric parameters
};

// A trial's configuration, one value per ParamInfo: a categorical holds its
// choice index; NaN marks an inactive parameter.
struct TrialConfig {
  uint32_t trial = 0;
  std::vector<double> values;
};

struct ReportData {
  std::string title;
  std::string metric_name = "metric";
  bool maximize = true;
  std::vector<std::pair<std::string, std::string>> summary;  // shown first, in order
  std::vector<RungResult> results;
  std::vector<ParamInfo> params;
  std::vector<TrialConfig> configs;
};

std::string RenderReport(const ReportData& data);

// The report's parts as HTML (inline SVG), each alone: report.html puts them
// together, the dashboard (dashboard/) refreshes them as results arrive.
struct ReportParts {
  std::string summary;   // the summary table
  std::string progress;  // metric against wall time, best so far, band
  std::string ladder;    // trials per rung
  std::vector<std::string> params;  // one chart per hyperparameter
  std::string footer;    // counts of results
};
ReportParts RenderParts(const ReportData& data);

// One trial's metric against the epochs it was trained for, every rung it
// reached (its learning curve).
std::string RenderLearningCurve(const ReportData& data, uint32_t trial);

// Several experiments' best so far on one chart, against wall time or
// against epochs trained in total; `names` label the lines, one per
// experiment, in `data`'s order.
enum class CompareAxis { kSeconds, kEpochs };
std::string RenderComparison(const std::vector<const ReportData*>& data,
                             const std::vector<std::string>& names, CompareAxis axis);

}  // namespace rungs::report
