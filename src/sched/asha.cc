#include "sched/asha.h"

#include <utility>

#include "space/random.h"

namespace rungs::sched {

AshaScheduler::AshaScheduler(const Options& options, int brackets, space::Space space,
                             uint64_t seed)
    : options_(options),
      brackets_(options, brackets),
      space_(std::move(space)),
      rng_(seed),
      budget_(options),
      evolution_(options.evolution, brackets_.levels()) {
  for (int b = 0; b < brackets_.size(); ++b) {
    rungs_.emplace_back(static_cast<size_t>(brackets_.top_rung(b)), Rung(options.eta));
  }
  if (options.model.enabled) model_.emplace(options.model, space_, brackets_.levels());
  if (options.pasha.enabled) pasha_.emplace(options.pasha.epsilon, brackets_.top_rung(0));
}

int AshaScheduler::TopRung(int bracket) const {
  return pasha_ ? pasha_->cap() : brackets_.top_rung(bracket);
}

std::optional<AshaScheduler::Plan> AshaScheduler::PlanNext(double now) const {
  if (budget_.Expired(now)) return std::nullopt;
  for (int b = 0; b < brackets_.size(); ++b) {
    for (int k = TopRung(b) - 1; k >= 0; --k) {
      if (rungs_[b][k].has_promotable() &&
          budget_.Fits(CostOf(trials_[rungs_[b][k].best_promotable().trial], k + 1), false, now)) {
        return Plan{b, k + 1};
      }
    }
  }
  for (int i = 0; i < brackets_.size(); ++i) {
    const int b = (next_bracket_ + i) % brackets_.size();
    if (budget_.Fits(brackets_.Cost(b, 0, options_.promotion), true, now)) return Plan{b, 0};
  }
  return std::nullopt;
}

int AshaScheduler::CostOf(const Trial& trial, int rung) const {
  if (trial.checkpoint_lost) return brackets_.epochs(trial.bracket)[rung];
  return brackets_.Cost(trial.bracket, rung, options_.promotion);
}

std::optional<job::Job> AshaScheduler::Next(double now) {
  last_now_ = now;
  const std::optional<Plan> plan = PlanNext(now);
  if (!plan) return std::nullopt;
  const auto [b, k] = *plan;
  if (pasha_ && k > 0) {
    const Rank& below = rungs_[b][k - 1].best_promotable();
    pasha_->Promoted(below.trial, k, below.score);
  }
  const uint32_t id = k == 0 ? StartTrial(b, now) : rungs_[b][k - 1].TakeBest();
  Trial& trial = trials_[id];
  trial.job = next_job_++;
  trial.rung = static_cast<int8_t>(k);
  trial.running = true;
  trial.reserved = CostOf(trial, k);
  trial.checkpoint_lost = false;  // this job leaves a checkpoint behind
  ++outstanding_;
  budget_.Reserve(trial.reserved, k == 0);
  return brackets_.JobFor(trial.job, id, b, k, options_.promotion, trial.config);
}

uint32_t AshaScheduler::StartTrial(int bracket, double now) {
  next_bracket_ = (bracket + 1) % brackets_.size();
  Trial trial;
  trial.config = NewConfig(budget_.Fraction(now));
  trial.bracket = static_cast<uint16_t>(bracket);
  trials_.push_back(std::move(trial));
  const auto id = static_cast<uint32_t>(trials_.size() - 1);
  if (model_) model_->Started(id, trials_[id].config);
  return id;
}

space::Config AshaScheduler::NewConfig(double t) {
  if (trials_.size() < space_.starts().size()) return space_.starts()[trials_.size()];
  const std::optional<Parents> parents = evolution_.Choose(t, rng_);
  if (!parents) return Unbred(t);
  const space::Config& first = trials_[parents->first].config;
  const space::Mutation mutation = evolution_.MutationAt(t);
  if (!parents->second) return space_.Mutate(first, mutation, rng_);
  const space::Config child = space_.Crossover(first, trials_[*parents->second].config, rng_);
  return space_.Mutate(child, mutation, rng_);
}

space::Config AshaScheduler::Unbred(double t) {
  if (model_ && model_->ready() && space::UniformUnit(rng_) < options_.model.probability.At(t)) {
    return model_->Propose(rng_, [this](uint32_t id) {
      return trials_[id].running && trials_[id].rung == 0;
    });
  }
  return space_.Sample(rng_);
}

void AshaScheduler::Report(const job::JobResult& result, double now) {
  last_now_ = now;
  if (result.trial >= trials_.size()) return;
  Trial& trial = trials_[result.trial];
  if (!trial.running || trial.job != result.job) return;
  trial.running = false;
  --outstanding_;
  const int b = trial.bracket;
  const int k = trial.rung;
  budget_.Settle(trial.reserved, result.epochs_trained);

  const Rank rank{Score(result, options_.direction), next_seq_++, result.trial};
  trial.failed = !Usable(result);
  if (k < brackets_.top_rung(b)) {
    // Closed: promoted from rung k already, or stopped by a failure.
    rungs_[b][k].Add(rank, [this, k](uint32_t id) {
      return trials_[id].failed || trials_[id].rung > k;
    });
  }
  if (model_) model_->Record(brackets_.level(b, k), rank, trial.config);
  if (pasha_) pasha_->Report(result.trial, k, rank, !trial.failed);
  if (trial.failed) return;
  evolution_.Record(brackets_.level(b, k), rank);
  UpdateBest(trial, result, rank);
}

void AshaScheduler::UpdateBest(const Trial& trial, const job::JobResult& result, const Rank& rank) {
  const int level = brackets_.level(trial.bracket, trial.rung);
  if (!best_.Improves(level, rank)) return;
  best_.Set(level, rank,
            Best{.trial = result.trial,
                 .bracket = trial.bracket,
                 .rung = trial.rung,
                 .epochs = brackets_.epochs(trial.bracket)[trial.rung],
                 .metric = result.metric,
                 .config = trial.config});
}

bool AshaScheduler::Done() const {
  return outstanding_ == 0 && !PlanNext(last_now_).has_value();
}

std::optional<Best> AshaScheduler::best() const { return best_.get(); }

void AshaScheduler::CheckpointsLost() {
  for (Trial& trial : trials_) {
    if (!trial.running) {
      trial.checkpoint_lost = true;
      continue;
    }
    // A running promotion is run again, maybe from scratch.
    const int whole = brackets_.epochs(trial.bracket)[trial.rung];
    budget_.Reserve(whole - trial.reserved, false);
    trial.reserved = whole;
  }
}

Status AshaScheduler::EnableEvolution(double now) {
  last_now_ = now;
  evolution_.Enable();
  return Status::Ok();
}

}  // namespace rungs::sched
