// Replay: rebuilds a scheduler from a journal, for resuming and reports.
//
// A fresh scheduler (same method, options, space and seed, built by the
// caller's factory from the journal's experiment record) is driven through
// the recorded calls in order: each recorded job must be exactly what Next
// returns now, each recorded refusal must again be a refusal, results are
// reported with their recorded `now`, and evolution and budget_changed
// events are repeated (driver/run_budget.h).
// The scheduler then holds the same state it had when the journal was
// written, and makes the same next decisions. Jobs started but never
// finished come back as ResumePoint::outstanding, to be run again with the
// same ids (the replayed scheduler already reserved their budget).
// Reads the journal from the calling thread only; not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "driver/experiment_loop.h"
#include "driver/run_budget.h"
#include "sched/scheduler.h"
#include "store/journal.h"

namespace rungs::driver {

using SchedulerFactory =
    std::function<Result<std::unique_ptr<sched::Scheduler>>(const store::ExperimentRecord&)>;

struct Replayed {
  std::unique_ptr<sched::Scheduler> scheduler;
  ResumePoint resume;
  RunBudget budget;  // the last budget_changed event's, else Replay's `start`
};

// Replays every committed entry of `journal`. A divergence (the scheduler
// issues a different job, or refuses where the journal has a job) is an
// error naming the journal file, the seq and both jobs: the journal was
// written by a different scheduler version, options or seed. `start` is
// the budget the experiment started with (the record's limits, and the
// driver's first jobs and dollars).
Result<Replayed> Replay(const store::Journal& journal, const SchedulerFactory& factory,
                        const RunBudget& start = {});

// True when two jobs are identical in every field (NaN config entries
// compare equal to each other).
bool SameJob(const job::Job& a, const job::Job& b);

}  // namespace rungs::driver
