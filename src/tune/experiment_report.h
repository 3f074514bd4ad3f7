// What an experiment reports, all from its journal and its spec as given: the
// output files (tune/tune_outputs.h) with their summary lines, and the
// summary `rungs tune` prints. The run writes them when it ends and `rungs
// report DIR` rebuilds them at any time (also while a search runs) the same
// way, so both show the same thing. Functions of one call each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "report/html_report.h"
#include "driver/stop_reason.h"
#include "space/space.h"
#include "text/preprocessing.h"
#include "tune/journal_view.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct TuneSummary {
  std::string out;
  std::optional<BestTrial> best;
  std::optional<double> test_metric;
  // The best's metric over the folds of train + validation, and of how many
  // candidates it was the best, when the run cross-checked them.
  std::optional<double> cross_checked;
  size_t cross_checked_of = 0;
  std::optional<text::Preprocessing> preprocessing;  // what best.bin records (built-in classifier)
  bool refit = false;
  // best.ftz, when this run wrote one (not in the journal: `rungs report` does not know it).
  std::optional<int64_t> ftz_bytes;
  std::optional<double> ftz_test_metric;
  std::string ftz_error;  // why best.ftz was asked for and not written
  uint64_t trials = 0;
  uint64_t jobs = 0;
  uint64_t refused = 0;  // jobs refused for memory or model size: trials.csv says why
  int64_t epochs = 0;
  double seconds = 0;
  driver::StopReason stopped_because = driver::StopReason::kDone;
  bool lambda = false;      // the jobs ran on AWS Lambda
  double gb_seconds = 0;    // what they were billed
  double dollars = 0;
  std::vector<std::pair<std::string, uint64_t>> failures;  // JournalView::FailuresByKind
  bool kept = false;  // a resume searched nothing: the finished run's outputs were kept
  // Kept: how a data file changed since the run started, when one did (the
  // outputs were made from the data as it was).
  std::string data_changed;
};

// "5 (3 Lambda service error, 2 timeout)": how many jobs did not finish ok,
// by kind; empty when all did.
std::string FailureCounts(const std::vector<std::pair<std::string, uint64_t>>& failures);

// Writes trials.csv, best.json, best.toml and report.html into spec.out;
// `space` and `view` are the journal's.
Status WriteReport(const TuneSpec& spec, const space::Space& space, const JournalView& view);

// What report.html shows (`space` and `view` are the journal's), for the
// dashboard's live charts.
Result<report::ReportData> ReportDataOf(const TuneSpec& spec, const space::Space& space,
                                        const JournalView& view);

// The summary of a finished run (`view.end` set); `space` is the journal's.
Result<TuneSummary> Summarise(const TuneSpec& spec, const space::Space& space,
                              const JournalView& view);

// WriteReport for the experiment kept in `dir`; safe while a search is
// running (it takes no lock: it only reads the journal, and its writes are
// atomic). Refuses a journal SQLite finds damaged, or one with a row that
// does not decode, naming the damage and writing nothing.
Status RebuildReport(const std::string& dir);

}  // namespace rungs::tune
