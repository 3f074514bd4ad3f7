// AshaScheduler: asynchronous successive halving (Li et al., MLSys 2020,
// Algorithm 2) over one or more brackets (asynchronous Hyperband), with new
// configurations drawn at random or bred by Evolution.
//
// Next(now): for each bracket in index order, from its second-highest rung
// down, the best promotable trial of the first rung that has one is promoted
// to the rung above, if its job fits the budget (else lower rungs are tried,
// being cheaper). Otherwise a new trial starts at the bottom rung of the next
// bracket in round-robin order: new trials go to brackets 0, 1, ..., B-1, 0,
// ... and a bracket whose bottom-rung job does not fit the budget is skipped
// (the turn passes to the one after the bracket used). So a worker only
// waits when the budget, max_trials or the wall clock rules out every job.
//
// With options.model.enabled, a new configuration that evolution does not
// breed comes from the Tpe density model with probability model.probability
// once the model has enough results (else at random). With
// options.pasha.enabled (one bracket only), jobs train no higher than
// Pasha's current top rung, which grows while the ranking of the two top
// rungs still changes.
//
// Decisions cost O(B * K + log n) for B brackets of at most K rungs and n
// results per rung, plus a model proposal's bounded cost (tpe.h) and
// PASHA's O(log m + shift) per result at its top rung (pasha.h); a trial
// takes a 40-byte record plus its Config, 16 bytes of rung heap per result
// and a set node while it is promotable. Deterministic: one
// std::mt19937_64 seeded with `seed` drives sampling, evolution and the
// model. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "sched/best_so_far.h"
#include "sched/brackets.h"
#include "sched/budget.h"
#include "sched/evolution.h"
#include "sched/options.h"
#include "sched/pasha.h"
#include "sched/rung.h"
#include "sched/scheduler.h"
#include "sched/tpe.h"
#include "space/space.h"

namespace rungs::sched {

class AshaScheduler : public Scheduler {
 public:
  // `options` must pass Validate(); `brackets` >= 1 must fit them, and be 1
  // with options.pasha.enabled. Evolution is on when
  // options.evolution.enabled, the model when options.model.enabled.
  AshaScheduler(const Options& options, int brackets, space::Space space, uint64_t seed);
  // The model refers to space_: not copyable.
  AshaScheduler(const AshaScheduler&) = delete;
  AshaScheduler& operator=(const AshaScheduler&) = delete;

  std::optional<job::Job> Next(double now) override;
  // Results for jobs that are not outstanding (unknown trial or job id, or
  // already reported) are ignored.
  void Report(const job::JobResult& result, double now) override;
  bool Done() const override;
  std::optional<Best> best() const override;
  Status EnableEvolution(double now) override;
  void SetBudget(const BudgetLimits& limits) override { budget_.SetLimits(limits); }
  void CheckpointsLost() override;

  // t: the fraction of the budget used at `now` (Budget::Fraction).
  double Progress(double now) const { return budget_.Fraction(now); }
  const Budget& budget() const { return budget_; }
  const Brackets& brackets() const { return brackets_; }
  const Evolution& evolution() const { return evolution_; }
  // The model, or null when options.model.enabled is false.
  const Tpe* model() const { return model_ ? &*model_ : nullptr; }
  // The highest rung of `bracket` a job may train to now (PASHA's cap).
  int TopRung(int bracket) const;
  size_t trials() const { return trials_.size(); }
  size_t outstanding() const { return outstanding_; }

 private:
  struct Trial {
    space::Config config;
    uint64_t job = 0;       // the latest job issued for this trial
    uint16_t bracket = 0;
    int8_t rung = 0;        // the rung of that job
    bool running = false;   // that job has not reported yet
    bool failed = false;    // its last result was unusable: it goes no further
    bool checkpoint_lost = false;  // it may have to retrain from scratch
    int reserved = 0;       // epochs of the budget that job reserved
  };

  // What Next would issue: a promotion of the best promotable trial of
  // (bracket, rung - 1) to `rung`, or a new trial when rung == 0.
  struct Plan {
    int bracket;
    int rung;
  };

  std::optional<Plan> PlanNext(double now) const;
  // Epochs a job training `trial` to `rung` may train: the rung's cost, or
  // all its epochs when the trial's checkpoint may be gone.
  int CostOf(const Trial& trial, int rung) const;
  uint32_t StartTrial(int bracket, double now);
  space::Config NewConfig(double t);
  // A configuration evolution did not breed: from the model or at random.
  space::Config Unbred(double t);
  void UpdateBest(const Trial& trial, const job::JobResult& result, const Rank& rank);

  const Options options_;
  const Brackets brackets_;
  const space::Space space_;
  std::mt19937_64 rng_;
  Budget budget_;
  Evolution evolution_;
  std::optional<Tpe> model_;
  std::optional<Pasha> pasha_;
  std::vector<std::vector<Rung>> rungs_;  // [bracket][rung], without top rungs
  std::vector<Trial> trials_;             // indexed by trial id
  int next_bracket_ = 0;                  // round-robin cursor for new trials
  uint64_t next_job_ = 0;
  uint32_t next_seq_ = 0;
  size_t outstanding_ = 0;
  double last_now_ = 0;
  BestSoFar best_;
};

}  // namespace rungs::sched
