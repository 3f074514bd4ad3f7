// The journal around an experiment loop: opening it before, and the
// `finished` event after. Every driver (rungs tune, rungs simulate) starts
// an experiment the same way:
//
//   new:     the scheduler is built from the experiment record, then the
//            journal is created holding that record;
//   resumed: the journal is opened, the scheduler is rebuilt from the record
//            it holds and replayed through its calls (driver/replay.h), and
//            a `resumed` event is journaled;
//
// and, once the loop and whatever follows it are done, journals `finished`
// once. Both use the journal's record, never the driver's own settings, so a
// resumed experiment searches exactly what was journaled. The event formats
// are in doc/journal.md. Not thread-safe: one driver thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "driver/experiment_loop.h"
#include "driver/run_budget.h"
#include "driver/stop_reason.h"
#include "sched/scheduler.h"
#include "store/journal.h"

namespace rungs::driver {

struct Experiment {
  store::ExperimentRecord record;          // what it searches
  std::optional<store::Journal> journal;   // none when run without one
  std::unique_ptr<sched::Scheduler> scheduler;
  ResumePoint resume;                      // empty for a new experiment
  RunBudget budget;                        // as it started, or as last changed
};

// With `new_record`: a new experiment, journaled at `journal_path` (not at
// all when the path is empty); fails, creating nothing, when the record's
// scheduler cannot be built, and when the file already holds a journal.
// Without: resumes the journal at `journal_path`; fails naming the file when
// it is missing, is not a journal, or does not replay. The budget starts as
// the record's limits with `driver_limits`' jobs and dollars (the driver's
// own, which the record does not hold: as they were first given); a resumed
// experiment's is then as its budget_changed events left it.
Result<Experiment> OpenExperiment(const std::string& journal_path,
                                  const std::optional<store::ExperimentRecord>& new_record,
                                  const RunBudget& driver_limits = {});

// Gives a resumed experiment the budget `limits` from now on (spent stays
// spent), as `by` asked ("--resume"): journals `budget_changed`, which later
// resumes replay, and sets it in the scheduler. Nothing happens when it is
// the budget it has.
Status ChangeBudget(Experiment& experiment, const RunBudget& limits, std::string_view by);

// The `finished` event's detail: why the loop stopped, and what the driver
// did after it (`facts`, a JSON object, e.g. rungs tune's test metric).
struct Finished {
  StopReason stopped_because = StopReason::kDone;
  nlohmann::json facts = nlohmann::json::object();
};

// Journals `finished` at the journal's next seq, with experiment time `now`,
// and commits.
Status JournalFinished(store::Journal& journal, const Finished& finished, double now);

// A `finished` event's detail, as JournalFinished writes it; also the bare
// reason name journals written before it held JSON.
Result<Finished> ParseFinished(const std::string& detail);

}  // namespace rungs::driver
