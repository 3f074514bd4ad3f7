// Scheduler: decides what to train next. Results in, jobs out.
//
// A scheduler is pure and deterministic: it does no I/O, starts no threads
// and reads no clock (the caller passes `now`, seconds since the experiment
// started). The same seed and the same sequence of calls give the same jobs,
// which is what lets the journal restore one by replaying its calls.
// Not thread-safe: one driver thread owns it.
#pragma once

#include <cstdint>
#include <optional>

#include "base/status.h"
#include "job/job.h"
#include "sched/budget.h"

namespace rungs::sched {

// The best trial so far: the highest rung reached, then the best metric there.
struct Best {
  uint32_t trial = 0;
  int bracket = 0;
  int rung = 0;
  int epochs = 0;
  double metric = 0;
  space::Config config;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // The job a free worker should run now, or nullopt when none should start:
  // the budget would be exceeded, or a synchronous method waits for a rung to
  // finish. A worker must never wait while an asynchronous method could give
  // it something.
  virtual std::optional<job::Job> Next(double now) = 0;

  // Records the result of a job handed out by Next. A failed or NaN result
  // counts as the worst value of its rung.
  virtual void Report(const job::JobResult& result, double now) = 0;

  // True once no job will ever be issued again and none is outstanding.
  virtual bool Done() const = 0;

  virtual std::optional<Best> best() const = 0;

  // Switches evolution of new configurations on from now on (the driver
  // journals the call so replay repeats it); a second call is a no-op.
  // Fails, changing nothing, for methods without evolution (sha, hyperband).
  virtual Status EnableEvolution(double /*now*/) {
    return Fail("this scheduling method has no evolution to enable");
  }

  // Replaces the budget's limits from now on, keeping what was spent: a
  // budget changed on resume or extended while running. The driver journals
  // the call so replay repeats it (driver/run_budget.h).
  virtual void SetBudget(const BudgetLimits& limits) = 0;

  // The checkpoints of every trial ended with an earlier process (the driver
  // reopened the journal, which records the call for replay). A trial's
  // next promotion, and a running one that is run again, may then train
  // from scratch: the budget reserves all its epochs, so that resumed runs
  // do not train past --budget-epochs.
  virtual void CheckpointsLost() = 0;
};

}  // namespace rungs::sched
