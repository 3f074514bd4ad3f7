#include "sched/sync_halving.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace rungs::sched {

SyncHalvingScheduler::SyncHalvingScheduler(const Options& options, int brackets,
                                           space::Space space, uint64_t seed)
    : options_(options),
      brackets_(options, brackets),
      space_(std::move(space)),
      rng_(seed),
      budget_(options) {
  Progress(0);
}

int64_t SyncHalvingScheduler::RoundTrials(int bracket) const {
  if (options_.sha_trials > 0) return options_.sha_trials;
  const int k = brackets_.size_of(bracket);
  const double top = std::pow(static_cast<double>(options_.eta), k - 1);
  return static_cast<int64_t>(std::ceil(brackets_.size_of(0) * top / k - 1e-9));
}

bool SyncHalvingScheduler::HasPending() const {
  return round_.to_create > 0 || round_.queued < round_.queue.size();
}

int SyncHalvingScheduler::PendingCost() const {
  if (round_.rung > 0 && trials_[round_.queue[round_.queued]].checkpoint_lost) {
    return brackets_.epochs(round_.bracket)[round_.rung];
  }
  return brackets_.Cost(round_.bracket, round_.rung, options_.promotion);
}

void SyncHalvingScheduler::Progress(double now) {
  while (!finished_) {
    if (HasPending()) {
      if (budget_.Fits(PendingCost(), round_.rung == 0, now) || outstanding_ > 0) return;
      // Nothing outstanding can free budget, so these jobs will never fit.
      round_.to_create = 0;
      round_.queued = round_.queue.size();
    }
    if (outstanding_ > 0) return;
    if (round_.rung < brackets_.top_rung(round_.bracket) && !round_.results.empty()) {
      PromoteRung();
      if (HasPending()) continue;
    }
    finished_ = !StartRound(now);
  }
}

void SyncHalvingScheduler::PromoteRung() {
  std::sort(round_.results.begin(), round_.results.end());
  const size_t keep = round_.results.size() / static_cast<size_t>(options_.eta);
  round_.queue.clear();
  round_.queued = 0;
  for (size_t i = 0; i < keep && std::isfinite(round_.results[i].score); ++i) {
    round_.queue.push_back(round_.results[i].trial);
  }
  round_.results.clear();
  ++round_.rung;
}

bool SyncHalvingScheduler::StartRound(double now) {
  for (int i = 0; i < brackets_.size(); ++i) {
    const int b = (next_bracket_ + i) % brackets_.size();
    if (!budget_.Fits(brackets_.Cost(b, 0, options_.promotion), true, now)) continue;
    next_bracket_ = (b + 1) % brackets_.size();
    round_ = Round();
    round_.bracket = b;
    round_.to_create = RoundTrials(b);
    return true;
  }
  return false;
}

std::optional<job::Job> SyncHalvingScheduler::Next(double now) {
  Progress(now);
  if (finished_ || !HasPending() || !budget_.Fits(PendingCost(), round_.rung == 0, now)) {
    return std::nullopt;
  }
  const int b = round_.bracket;
  const int k = round_.rung;
  const int cost = PendingCost();
  uint32_t id;
  if (k == 0) {
    --round_.to_create;
    const auto& starts = space_.starts();
    trials_.push_back(Trial{.config = trials_.size() < starts.size() ? starts[trials_.size()]
                                                                     : space_.Sample(rng_)});
    id = static_cast<uint32_t>(trials_.size() - 1);
  } else {
    id = round_.queue[round_.queued++];
  }
  Trial& trial = trials_[id];
  trial.job = next_job_++;
  trial.running = true;
  trial.reserved = cost;
  trial.checkpoint_lost = false;  // this job leaves a checkpoint behind
  ++outstanding_;
  budget_.Reserve(trial.reserved, k == 0);
  return brackets_.JobFor(trial.job, id, b, k, options_.promotion, trial.config);
}

void SyncHalvingScheduler::Report(const job::JobResult& result, double now) {
  if (result.trial >= trials_.size()) return;
  Trial& trial = trials_[result.trial];
  if (!trial.running || trial.job != result.job) return;
  trial.running = false;
  --outstanding_;
  const int b = round_.bracket;
  const int k = round_.rung;
  budget_.Settle(trial.reserved, result.epochs_trained);
  const Rank rank{Score(result, options_.direction), next_seq_++, result.trial};
  round_.results.push_back(rank);
  const int level = brackets_.level(b, k);
  if (Usable(result) && best_.Improves(level, rank)) {
    best_.Set(level, rank,
              Best{.trial = result.trial,
                   .bracket = b,
                   .rung = k,
                   .epochs = brackets_.epochs(b)[k],
                   .metric = result.metric,
                   .config = trial.config});
  }
  Progress(now);
}

void SyncHalvingScheduler::CheckpointsLost() {
  for (Trial& trial : trials_) {
    if (!trial.running) {
      trial.checkpoint_lost = true;
      continue;
    }
    // A running promotion is run again, maybe from scratch.
    const int whole = brackets_.epochs(round_.bracket)[round_.rung];
    budget_.Reserve(whole - trial.reserved, false);
    trial.reserved = whole;
  }
}

}  // namespace rungs::sched
