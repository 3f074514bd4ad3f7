// SyncHalvingScheduler: synchronous successive halving, and synchronous
// Hyperband as successive halving cycling through several brackets.
//
// A round runs one bracket: it starts n0 new random trials at the bottom
// rung, waits until every one has reported, promotes the floor(n / eta) best
// usable ones (failed or NaN results rank worst and never go on) to the next
// rung, and so on up to R. Then the next round starts with the next bracket
// (0, 1, ..., B-1, 0, ...), until the budget, max_trials or the wall clock
// ends the experiment. While a rung waits for its last results Next returns
// nullopt: workers idle, which is what the asynchronous methods avoid.
//
// n0 is options.sha_trials when set, else ceil(K0 / K * eta^(K-1)) for a
// bracket of K rungs when the first bracket has K0 (Li et al.'s Hyperband
// counts; plain SHA gets eta^(K-1), so one trial reaches R).
// A job that does not fit the remaining budget is not issued; once nothing
// is outstanding it is dropped and the round goes on without it.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "sched/best_so_far.h"
#include "sched/brackets.h"
#include "sched/budget.h"
#include "sched/options.h"
#include "sched/rank.h"
#include "sched/scheduler.h"
#include "space/space.h"

namespace rungs::sched {

class SyncHalvingScheduler : public Scheduler {
 public:
  // `options` must pass Validate(); `brackets` >= 1 must fit them (1: SHA).
  SyncHalvingScheduler(const Options& options, int brackets, space::Space space,
                       uint64_t seed);

  std::optional<job::Job> Next(double now) override;
  // Results for jobs that are not outstanding are ignored.
  void Report(const job::JobResult& result, double now) override;
  bool Done() const override { return outstanding_ == 0 && finished_; }
  // A larger budget may start rounds again.
  void SetBudget(const BudgetLimits& limits) override {
    budget_.SetLimits(limits);
    finished_ = false;
  }
  std::optional<Best> best() const override { return best_.get(); }
  void CheckpointsLost() override;

  const Budget& budget() const { return budget_; }
  const Brackets& brackets() const { return brackets_; }
  // New trials a round of `bracket` starts (n0).
  int64_t RoundTrials(int bracket) const;

 private:
  struct Trial {
    space::Config config;
    uint64_t job = 0;
    bool running = false;
    bool checkpoint_lost = false;  // it may have to retrain from scratch
    int reserved = 0;              // epochs of the budget its job reserved
  };

  // The round in progress: its bracket and rung, what is left to issue at
  // that rung, and the results the rung has collected.
  struct Round {
    int bracket = 0;
    int rung = 0;
    int64_t to_create = 0;          // new trials still to start (rung 0)
    std::vector<uint32_t> queue;    // promoted trials still to issue
    size_t queued = 0;              // queue entries already issued
    std::vector<Rank> results;
  };

  bool HasPending() const;
  // Epochs the next pending job may train: the rung's cost, or all its
  // epochs when that trial's checkpoint may be gone.
  int PendingCost() const;
  // Advances the round as far as it can without issuing: after it, either a
  // pending job fits, or the caller must wait, or finished_ is set.
  void Progress(double now);
  void PromoteRung();
  bool StartRound(double now);

  const Options options_;
  const Brackets brackets_;
  const space::Space space_;
  std::mt19937_64 rng_;
  Budget budget_;
  std::vector<Trial> trials_;
  Round round_;
  int next_bracket_ = 0;
  uint64_t next_job_ = 0;
  uint32_t next_seq_ = 0;
  size_t outstanding_ = 0;
  bool finished_ = false;
  BestSoFar best_;
};

}  // namespace rungs::sched
