// JournalView: what an experiment's journal says, flattened per job, for the
// outputs (trials.csv, best.json, report.html) and `rungs report`.
// Reading never writes the journal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
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

struct JournalView {
  std::vector<JobRow> jobs;  // in the order they started
  // The best finished trial: most epochs, then best metric (ties: first).
  std::optional<BestTrial> Best(bool maximize) const;
  int64_t EpochsTrained() const;
  // What the finished jobs were billed, in GB-seconds (0 on local workers).
  double GbSeconds() const;
};

Result<JournalView> ReadJournal(const store::Journal& journal);

}  // namespace rungs::tune
