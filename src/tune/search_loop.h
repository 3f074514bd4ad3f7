// RunSearch: the experiment loop (driver/experiment_loop.h) as `rungs tune`
// runs it, with its progress display and its stop rules:
//
//   --budget-seconds  at its end no job starts and running jobs are stopped
//                     (they come back as abandoned): a wall budget is a
//                     promise to the user (max_seconds); its end comes
//                     earlier by the time the run's end will take (the
//                     cross-check and the refit, estimated from the
//                     trials it may pick: EndSeconds, at most two fifths
//                     of the budget). Local jobs are
//                     cancelled by the executor's own clock, so a driver
//                     thread busy with one long step does not hold them;
//   --budget-dollars  no job starts once this much is billed; running jobs
//                     finish, since money spent is not given back by
//                     stopping (budget_dollars; the loop's own rule, so an
//                     extension lets jobs start again);
//   Ctrl-C            (RunControl::stop_requested) no job starts; running
//                     jobs finish (stop requested); says so at once on
//                     stderr, with how many jobs are running.
//   failing jobs      the same error again and again, or mostly failures
//                     (driver/failure_watch.h): no job starts, and the run
//                     ends with that error (jobs_failing).
//
// The epoch and trial budgets are the scheduler's own. Every limit is the
// budget as it is then (experiment.budget, raised by extend requests:
// driver/run_budget.h), not the spec's. For the driver thread.
#pragma once

#include "base/status.h"
#include "driver/experiment_journal.h"
#include "driver/experiment_loop.h"
#include "space/space.h"
#include "tune/cross_check.h"
#include "tune/executor_choice.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct RunControl;

// The seconds of a wall budget the search may use when an end taking
// `end_seconds` (cross-check, refit) follows it: that time is kept out so
// that the run ends within the budget, yet at most kEndShare of the budget
// (tune/cross_check.h), so that one slow trial cannot starve the search.
double SearchSeconds(double budget_seconds, double end_seconds);

// `validation_rows`: what each metric is a proportion over (0: not one), for
// the final choice's ranking.
Result<driver::LoopStats> RunSearch(const TuneSpec& spec, driver::Experiment& experiment,
                                    TuneExecutor& executor, const space::Space& space,
                                    const RunControl& control, const EndCost& end_cost,
                                    int64_t validation_rows);

}  // namespace rungs::tune
