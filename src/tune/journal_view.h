// JournalView: what an experiment's journal says, flattened per job, with
// how its last run ended, for the outputs (trials.csv, best.json,
// report.html), the summary and `rungs report`. Reading never writes the
// journal; JournalRunEnd writes the one event a run adds at its end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "driver/run_budget.h"
#include "driver/stop_reason.h"
#include "job/job.h"
#include "space/config.h"
#include "store/journal.h"
#include "tune/best_choice.h"

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

// A candidate's metric over the held-out parts of k folds of train +
// validation (tune/cross_check.h).
struct CrossChecked {
  uint32_t trial = 0;
  int epochs = 0;
  double metric = 0;
};

// How a run ended, from its `finished` event (doc/journal.md): why its
// search stopped, and the best model's score on the test set.
struct RunEnd {
  driver::StopReason stopped_because = driver::StopReason::kDone;
  std::optional<double> test_metric;  // when a test set was given
  bool refit = false;                 // the model was refit on train + validation first
  double seconds = 0;                 // experiment time at the end
  // The rows the metric is a proportion over (accuracy, f1), for the best
  // trial's noise allowance (tune/best_choice.h); 0: unknown.
  int64_t validation_rows = 0;
  // The candidates' metrics by cross-validation, in the order they were
  // ranked; the best of them is the best model. Empty: not cross-checked.
  std::vector<CrossChecked> cross_checked;
  std::string failure;                // kJobsFailing: how they failed
};

// What kind of failure a result that is not ok is, for people: its outcome
// ("timeout", "diverged", "abandoned"), or for `failed` its job::Failure:
// "Lambda service error" (the Invoke API failed after its retries), "Lambda
// function error" (the worker crashed or refused), "bad Lambda response",
// "crash" (a command exited or was killed before its last epoch), "internal
// error", else "error" (e.g. the trainer refused the configuration; also
// every failure journaled before results carried their kind).
std::string FailureKind(const job::JobResult& result);

// Journals `finished` for `end`, once per run, after everything it reports.
Status JournalRunEnd(store::Journal& journal, const RunEnd& end);

// A budget_changed event: when, the new totals, and who asked.
struct BudgetChangeAt {
  double now = 0;
  driver::BudgetChange change;
};

// A steering event: evolution switched on by hand, or a stop asked for
// (evolution_enabled, stop_requested): when, which, and who asked ("request
// 3", "requested" for SIGUSR1).
struct SteerAt {
  double now = 0;
  std::string action;  // the event's name
  std::string by;
};

struct JournalView {
  std::vector<JobRow> jobs;  // in the order they started
  std::optional<RunEnd> end;  // the last run's, once one has finished
  std::vector<BudgetChangeAt> budget_changes;  // in the order they were made
  std::vector<SteerAt> steering;               // in the order they were made
  // Takes one more entry of the journal at `path` (in seq order): how
  // ReadJournal builds the view, and how a reader tailing a running
  // experiment (the dashboard) keeps it current.
  Status Add(const store::JournalEntry& e, const std::string& path);
  // The job with id `job`, or nullptr when none has started.
  const JobRow* Find(uint64_t job) const;
  // The budget as it stands: the last budget_changed event's, else
  // `initial` (the one the run was started with).
  driver::RunBudget BudgetNow(const driver::RunBudget& initial) const;
  // The rows the metric is a proportion over (accuracy, f1), for the noise
  // allowance of Best; 0: unknown. Read from the last run's end; a run sets
  // it from its data before choosing.
  int64_t validation_rows = 0;
  // The candidates' cross-validated metrics from the last run's end, while
  // no job has started since; a run sets them once it has them.
  std::vector<CrossChecked> cross_checked;
  // The last run journaled its end, and no job started or reported since:
  // nothing was searched after it.
  bool EndIsLast() const { return end.has_value() && !searched_since_end_; }
  // The best of cross_checked (the first of equals); nullptr when empty.
  const CrossChecked* CrossCheckedBest(bool maximize) const;
  // The best finished result: the one cross-validation chose at the last
  // run's end when no job started since (tune/cross_check.h), else the best
  // allowing for the validation set's noise (tune/best_choice.h).
  std::optional<BestTrial> Best(bool maximize) const;
  // The best result of each of up to `count` trials, best first, allowing
  // for the noise; cross-validation chooses among them.
  std::vector<BestTrial> Candidates(bool maximize, size_t count) const;
  int64_t EpochsTrained() const;
  uint64_t Trials() const;  // jobs that started a trial (rung 0)
  uint64_t Refused() const;  // jobs refused for memory (never run) or --max-model-size
  // Finished jobs whose outcome is not ok, counted by FailureKind, most
  // frequent first (ties by name).
  std::vector<std::pair<std::string, uint64_t>> FailuresByKind() const;
  // What the finished jobs were billed, in GB-seconds (0 on local workers).
  double GbSeconds() const;

 private:
  // The finished results with a usable metric, as the best choice scores
  // them, and their rows.
  struct Scoreboard {
    std::vector<Scored> scored;
    std::vector<const JobRow*> rows;
  };
  Scoreboard Finished() const;

  std::unordered_map<uint64_t, size_t> by_id_;  // job id -> index in jobs
  bool searched_since_end_ = false;  // a job or result came after the last end
};

Result<JournalView> ReadJournal(const store::Journal& journal);

}  // namespace rungs::tune
