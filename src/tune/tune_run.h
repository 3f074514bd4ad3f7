// RunTune: one `rungs tune` experiment on local workers or AWS Lambda, end
// to end.
//
// Checks everything it can before any work starts (spec, space against the
// classifier, scheduler options, output folder, data), then runs the search
// with the journal as its state, and finishes with the outputs: best.bin
// (loadable by fastText), best.json, best.toml, trials.csv, report.html, and
// the test metric when a test set was given. On Lambda, the best trial is
// retrained here to write best.bin. Not thread-safe (one per
// process: it runs worker threads of its own).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "text/preprocessing.h"
#include "tune/journal_view.h"
#include "tune/tune_progress.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct RunControl {
  ProgressMode progress = ProgressMode::kAuto;
  bool resume = false;                      // continue the experiment in spec.out
  std::function<bool()> stop_requested;     // polled: stop starting jobs
  std::function<bool()> evolution_requested;  // polled: switch evolution on
};

struct TuneSummary {
  std::string out;
  std::optional<BestTrial> best;
  std::optional<double> test_metric;
  std::optional<text::Preprocessing> preprocessing;  // what best.bin records (built-in classifier)
  bool refit = false;
  uint64_t trials = 0;
  uint64_t jobs = 0;
  int64_t epochs = 0;
  double seconds = 0;
  std::string stopped_because;
  bool lambda = false;      // the jobs ran on AWS Lambda
  double gb_seconds = 0;    // what they were billed
  double dollars = 0;
};

// Runs (or, with control.resume, continues) the experiment `spec`.
Result<TuneSummary> RunTune(const TuneSpec& spec, const RunControl& control);

// The spec of the experiment kept in `dir` (for --resume and rungs report).
Result<TuneSpec> ReadSavedSpec(const std::string& dir);

// Rebuilds trials.csv, best.json, best.toml and report.html of `dir` from
// its journal; safe while a search is running.
Status RebuildReport(const std::string& dir);

}  // namespace rungs::tune
