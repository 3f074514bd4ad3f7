#include "sched/evolution.h"

#include <algorithm>
#include <cmath>

#include "space/random.h"

namespace rungs::sched {
namespace {

int RoundedAtLeastOne(double value) {
  return std::max(1, static_cast<int>(std::lround(value)));
}

}  // namespace

Evolution::Evolution(const EvolutionOptions& options, int levels)
    : options_(options), pools_(static_cast<size_t>(levels), ParentPool(options.pool_size)) {}

void Evolution::Record(int level, const Rank& rank) { pools_[level].Push(rank); }

const ParentPool* Evolution::Source() const {
  if (!on()) return nullptr;
  const size_t need = by_hand_ ? 1 : static_cast<size_t>(options_.min_parents);
  const bool any_level = by_hand_ || options_.parents_from_highest_rung;
  for (size_t level = pools_.size(); level-- > 0;) {
    if (pools_[level].size() >= need) return &pools_[level];
    if (!any_level) break;
  }
  return nullptr;
}

std::optional<Parents> Evolution::Choose(double t, std::mt19937_64& rng) const {
  const ParentPool* pool = Source();
  if (pool == nullptr) return std::nullopt;
  if (space::UniformUnit(rng) >= options_.probability.At(t)) return std::nullopt;
  const int k = TournamentAt(t);
  Parents parents{pool->Tournament(k, rng).trial, std::nullopt};
  if (options_.crossover) parents.second = pool->Tournament(k, rng).trial;
  return parents;
}

space::Mutation Evolution::MutationAt(double t) const {
  return space::Mutation{RoundedAtLeastOne(options_.params.At(t)), options_.sigma.At(t)};
}

int Evolution::TournamentAt(double t) const {
  return RoundedAtLeastOne(options_.tournament.At(t));
}

}  // namespace rungs::sched
