// Evolution: whether a new configuration is bred, and from which parents.
//
// Parents come from bounded pools of the newest usable results, one pool per
// resource level (see Brackets::levels()). Evolution is on when the options
// say so or after Enable() (by hand). It starts once the top level (R) has
// min_parents members, or with parents_from_highest_rung the highest level
// that has; by hand it starts at once from the highest non-empty level.
// When on, a new configuration is bred with probability p(t); the tournament
// size, the number of mutated parameters and sigma follow their schedules.
// Choose() draws from `rng` only when evolution is on and parents exist.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "sched/options.h"
#include "sched/parent_pool.h"
#include "space/space.h"

namespace rungs::sched {

struct Parents {
  uint32_t first = 0;
  std::optional<uint32_t> second;  // set with crossover
};

class Evolution {
 public:
  Evolution(const EvolutionOptions& options, int levels);

  // Offers a usable result at `level` as a future parent.
  void Record(int level, const Rank& rank);
  void Enable() { by_hand_ = true; }
  bool on() const { return options_.enabled || by_hand_; }

  // The parents of the next new configuration at progress t, or nullopt to
  // draw one at random.
  std::optional<Parents> Choose(double t, std::mt19937_64& rng) const;
  // How far to mutate a child at progress t.
  space::Mutation MutationAt(double t) const;
  // Tournament size at progress t.
  int TournamentAt(double t) const;

 private:
  // The pool to draw parents from, or null while evolution must wait.
  const ParentPool* Source() const;

  EvolutionOptions options_;
  std::vector<ParentPool> pools_;  // by resource level
  bool by_hand_ = false;
};

}  // namespace rungs::sched
