// Budget: epochs, trials and wall time an experiment may use.
//
// Epochs are reserved when a job is issued (its epochs_to - epochs_from) and
// settled when it reports (the reservation is replaced by epochs_trained), so
// a job is only issued when spent + reserved + its cost fits the budget, even
// with thousands of jobs in flight. Restart-mode promotions cost their whole
// retraining, and so do promotions whose checkpoint may be gone
// (Scheduler::CheckpointsLost). A checkpoint lost otherwise (one that could
// not be kept in memory or on disk) retrains more than it reserved: the one
// way spent can pass the budget. Not thread-safe.
#pragma once

#include <cstdint>

#include "sched/options.h"

namespace rungs::sched {

// The limits of a budget (0: none), as Options::budget_epochs, max_trials
// and max_seconds give them.
struct BudgetLimits {
  int64_t epochs = 0;
  int64_t trials = 0;
  double seconds = 0;
  bool operator==(const BudgetLimits&) const = default;
};

inline BudgetLimits LimitsOf(const Options& options) {
  return {options.budget_epochs, options.max_trials, options.max_seconds};
}

class Budget {
 public:
  explicit Budget(const Options& options)
      : epochs_(options.budget_epochs),
        trials_(options.max_trials),
        seconds_(options.max_seconds) {}

  // True when a job costing `epochs` may start at `now`; `new_trial` also
  // needs a trial left under max_trials.
  bool Fits(int64_t epochs, bool new_trial, double now) const;
  // True once no job may start at `now` or later (wall-clock limit reached).
  bool Expired(double now) const { return seconds_ > 0 && now >= seconds_; }
  bool trials_left() const { return trials_ == 0 || started_ < trials_; }

  // Replaces the limits, keeping what was spent.
  void SetLimits(const BudgetLimits& limits) {
    epochs_ = limits.epochs;
    trials_ = limits.trials;
    seconds_ = limits.seconds;
  }

  void Reserve(int64_t epochs, bool new_trial);
  // A job that reserved `reserved` epochs trained `trained` of them.
  void Settle(int64_t reserved, int64_t trained);

  // t in [0, 1]: the largest used fraction among the limits that are set
  // (epochs spent, trials started, seconds passed).
  double Fraction(double now) const;

  int64_t spent() const { return spent_; }
  int64_t reserved() const { return reserved_; }
  int64_t started() const { return started_; }

 private:
  int64_t epochs_;   // 0: no limit
  int64_t trials_;   // 0: no limit
  double seconds_;   // 0: no limit
  int64_t spent_ = 0;
  int64_t reserved_ = 0;
  int64_t started_ = 0;
};

}  // namespace rungs::sched
