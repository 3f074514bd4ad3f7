// RunBudget: every limit one run may have, and the one way it changes.
//
// Epochs, trials and seconds are the scheduler's (sched::BudgetLimits; the
// experiment record holds their first values). Jobs started and dollars
// billed are the driver's: `rungs simulate --jobs` and `rungs tune
// --budget-dollars` (on Lambda) give their first values. A change of any of
// them, from a resume's flags or from a request (store/request_inbox.h), is
// one `budget_changed` event carrying the new totals (doc/journal.md):
// ApplyBudget journals it and hands the scheduler its part, and replay
// repeats it (driver/replay.h), so a later resume keeps it. An extension
// adds to limits the run has; it cannot create one. Pure functions except
// ApplyBudget, which writes the journal (not thread-safe, as the journal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "sched/scheduler.h"
#include "store/journal.h"

namespace rungs::driver {

struct RunBudget {  // 0: no limit
  int64_t epochs = 0;   // epochs trained (reserved when a job starts)
  int64_t trials = 0;   // trials started
  double seconds = 0;   // experiment seconds: no job starts after them
  uint64_t jobs = 0;    // jobs started
  double dollars = 0;   // billed for the jobs (Lambda)
  bool operator==(const RunBudget&) const = default;
  sched::BudgetLimits scheduler() const { return {epochs, trials, seconds}; }
};

// The budget with the scheduler's limits `limits` and no limit of the driver's.
RunBudget BudgetOf(const sched::BudgetLimits& limits);

// For people: "60 epochs, 120 s, $5", the limits that are set; "none".
std::string BudgetText(const RunBudget& budget);

// A budget_changed event: the new totals, and who changed them ("--resume",
// "request 3").
struct BudgetChange {
  RunBudget budget;
  std::string by;
};

// The event's detail, {"budget_epochs":..,"max_trials":..,"max_seconds":..,
// "max_jobs":..,"budget_dollars":..,"by":".."}, and back. A journal written
// before jobs and dollars were journaled lacks their keys: they stay as in
// `before`. A bad detail is an error naming the key.
std::string BudgetDetail(const BudgetChange& change);
Result<BudgetChange> ParseBudgetDetail(const std::string& detail, const RunBudget& before);

// What an `extend` request adds (its detail, doc/journal.md "Requests"):
// an object of "epochs", "trials", "jobs" (whole numbers > 0), "seconds",
// "dollars" (numbers > 0), at least one. Fails naming the key at fault.
Result<RunBudget> ParseExtension(const nlohmann::json& detail);

// `budget` with `more` added. Fails, saying which, when `more` adds to a
// limit `budget` does not have ("the run has no epoch budget").
Result<RunBudget> Extend(const RunBudget& budget, const RunBudget& more);

// Journals `change` at `seq` with time `now` (not committed: the caller
// commits before acting on it) and gives the scheduler its limits. `journal`
// may be null (nothing is recorded).
Status ApplyBudget(const BudgetChange& change, uint64_t seq, double now,
                   store::Journal* journal, sched::Scheduler& scheduler);

}  // namespace rungs::driver
