// The files `rungs tune` leaves in its output folder, all rebuilt from the
// journal: trials.csv (every job and its result, with what it was billed),
// best.json and best.toml (the best configuration and, for the built-in
// classifier, the preprocessing best.bin records; best.json also the
// experiment's cost), report.html (charts). `rungs report DIR` calls
// WriteOutputs again at any time, also while a search runs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "report/html_report.h"
#include "space/space.h"
#include "text/preprocessing.h"
#include "tune/journal_view.h"

namespace rungs::tune {

struct OutputContext {
  std::string dir;
  std::string title;
  std::string metric = "accuracy";
  bool maximize = true;
  // Extra lines for the report's summary table (test metric, cost, ...).
  std::vector<std::pair<std::string, std::string>> summary;
  // What the experiment cost (Lambda), also written into best.json.
  struct Cost {
    double gb_seconds = 0;
    double dollars = 0;
    double price_per_gb_second = 0;
  };
  std::optional<Cost> cost;
  // The preprocessing of the best configuration (the built-in classifier
  // only), stated in best.json, best.toml and the report.
  std::optional<text::Preprocessing> preprocessing;
};

// Writes trials.csv, best.json, best.toml and report.html into ctx.dir,
// each atomically (base/atomic_file.h). Fails naming the file; on a full
// disk the files not yet replaced keep their earlier content.
Status WriteOutputs(const JournalView& view, const space::Space& space, const OutputContext& ctx);

// What report.html draws: the view's results and configurations, with the
// context's title and summary.
report::ReportData ReportDataFor(const JournalView& view, const space::Space& space,
                                 const OutputContext& ctx);

}  // namespace rungs::tune
