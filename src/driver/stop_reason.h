// StopReason: why an experiment loop stopped starting jobs. The loop decides
// the first three, kBudgetDollars and kJobsFailing; a driver's own stop rule
// (driver::LoopOptions::stop_requested) gives the others. The names are what the journal's
// `finished` event, `rungs tune --json` and `rungs simulate` print
// (doc/journal.md). Pure functions, thread-safe.
#pragma once

#include <string_view>

#include "base/status.h"

namespace rungs::driver {

enum class StopReason {
  kDone,           // "done": the scheduler will issue no more jobs
  kMaxJobs,        // "max_jobs": the budget's jobs started (LoopOptions::budget)
  kMaxSeconds,     // "max_seconds": the time budget is spent
  kStopRequested,  // "stop requested": by hand (Ctrl-C)
  kBudgetDollars,  // "budget_dollars": the money budget is spent
  kJobsFailing,    // "jobs_failing": jobs keep failing (driver/failure_watch.h)
};
inline constexpr StopReason kStopReasons[] = {StopReason::kDone,          StopReason::kMaxJobs,
                                              StopReason::kMaxSeconds,    StopReason::kStopRequested,
                                              StopReason::kBudgetDollars, StopReason::kJobsFailing};

std::string_view StopReasonName(StopReason reason);

// For people, in a summary: "done", "stopped by the user", "time budget
// spent", "job limit reached", "money budget spent".
std::string_view StopReasonText(StopReason reason);

// The reason StopReasonName gives `name`; fails naming it otherwise.
Result<StopReason> ParseStopReason(std::string_view name);

}  // namespace rungs::driver
