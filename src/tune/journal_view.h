// JournalView: what an experiment's journal says, flattened per job, with
// how its last run ended, for the outputs (trials.csv, best.json,
// report.html), the summary and `rungs report`. Reading never writes the
// journal; JournalRunEnd writes the one event a run adds at its end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "driver/stop_reason.h"
#include "job/job.h"
#include "space/config.h"
#include "store/journal.h"

namespace rungs::tune {

// One job and, once reported, its result.
struct JobRow {
  job::Job job;
  double started_at = 0;                 // experiment seconds
  std::optional<job::JobResult> result;
  double finished_at = 0;                // experiment seconds, with a result
};

struct BestTrial {
  uint32_t trial = 0;
  int epochs = 0;
  int rung = 0;
  double metric = 0;
  space::Config config;
};

// How a run ended, from its `finished` event (doc/journal.md): why its
// search stopped, and the best model's score on the test set.
struct RunEnd {
  driver::StopReason stopped_because = driver::StopReason::kDone;
  std::optional<double> test_metric;  // when a test set was given
  bool refit = false;                 // the model was refit on train + validation first
  double seconds = 0;                 // experiment time at the end
  std::string failure;                // kJobsFailing: how they failed
};

// Journals `finished` for `end`, once per run, after everything it reports.
Status JournalRunEnd(store::Journal& journal, const RunEnd& end);

struct JournalView {
  std::vector<JobRow> jobs;  // in the order they started
  std::optional<RunEnd> end;  // the last run's, once one has finished
  // The best finished trial: most epochs, then best metric (ties: first).
  std::optional<BestTrial> Best(bool maximize) const;
  int64_t EpochsTrained() const;
  uint64_t Trials() const;  // jobs that started a trial (rung 0)
  // What the finished jobs were billed, in GB-seconds (0 on local workers).
  double GbSeconds() const;
};

Result<JournalView> ReadJournal(const store::Journal& journal);

}  // namespace rungs::tune
