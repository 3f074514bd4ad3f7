// Rung: the results at one rung of an ASHA bracket, and who may be promoted.
//
// Li et al. (MLSys 2020, Algorithm 2): a trial at a rung with n results is
// promotable when it is among the floor(n / eta) best and was not promoted
// yet. The rung keeps its results split into that top part and the rest, plus
// the ordered set of promotable top members, so Add, TakeBest and
// has_promotable cost O(log n), O(log n) and O(1): nothing ever scans the rung.
// Unusable results (failed, NaN) rank worst and are never promotable.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "sched/rank.h"

namespace rungs::sched {

class Rung {
 public:
  explicit Rung(int eta) : eta_(eta) {}

  // Records a result; `usable` false means it may never be promoted.
  void Add(const Rank& rank, bool usable);

  bool has_promotable() const { return !promotable_.empty(); }
  // The best promotable result (ties: earlier result first). Requires
  // has_promotable().
  const Rank& best_promotable() const { return *promotable_.begin(); }
  // Marks best_promotable() as promoted and returns its trial.
  uint32_t TakeBest();

  size_t size() const { return top_.size() + rest_.size(); }
  size_t top_size() const { return top_.size(); }

 private:
  // value: true once the member is closed (promoted, or never promotable).
  using Members = std::map<Rank, bool>;

  void MoveTopToRest();
  void MoveRestToTop();

  int eta_;
  Members top_;   // the floor(n / eta) best
  Members rest_;  // everything else
  std::set<Rank> promotable_;  // members of top_ that are not closed
};

}  // namespace rungs::sched
