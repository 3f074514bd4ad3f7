// Rung: the results at one rung of an ASHA bracket, and who may be promoted.
//
// Li et al. (MLSys 2020, Algorithm 2): a trial at a rung with n results is
// promotable when it is among the floor(n / eta) best and was not promoted
// yet. The rung keeps its results split into the top floor(n / eta) (a heap
// with the worst on top) and the rest (a heap with the best on top), plus the
// ordered set of promotable top members. Add costs O(log n) (O(1) on average
// for a result that stays in the rest), TakeBest O(log p) for p promotable,
// has_promotable O(1): nothing ever scans the rung, and a result costs 16
// bytes of heap storage. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "sched/rank.h"

namespace rungs::sched {

class Rung {
 public:
  explicit Rung(int eta) : eta_(static_cast<size_t>(eta)) {}

  // Records a result. `is_closed(trial)` tells whether a trial may no longer
  // be promoted from this rung (promoted already, or its result unusable);
  // it is asked about members entering the top part, including `rank` itself.
  template <class IsClosed>
  void Add(const Rank& rank, const IsClosed& is_closed);

  bool has_promotable() const { return !promotable_.empty(); }
  // The best promotable result (ties: earlier result first). Requires
  // has_promotable().
  const Rank& best_promotable() const { return *promotable_.begin(); }
  // Removes best_promotable() from the promotable set and returns its trial;
  // the caller must make is_closed(trial) true from now on.
  uint32_t TakeBest();

  size_t size() const { return top_.size() + rest_.size(); }

 private:
  // Heap orders: top_ keeps its worst member in front, rest_ its best.
  static bool Better(const Rank& a, const Rank& b) { return a < b; }
  static bool Worse(const Rank& a, const Rank& b) { return b < a; }

  void PushTop(const Rank& rank) {
    top_.push_back(rank);
    std::push_heap(top_.begin(), top_.end(), Better);
  }
  void PushRest(const Rank& rank) {
    rest_.push_back(rank);
    std::push_heap(rest_.begin(), rest_.end(), Worse);
  }
  // Moves the worst top member down to the rest.
  void Demote();
  // Moves the best of the rest up into the top; returns it.
  Rank Raise();

  size_t eta_;
  std::vector<Rank> top_;   // the floor(n / eta) best
  std::vector<Rank> rest_;  // everything else
  std::set<Rank> promotable_;  // top members that are not closed
};

template <class IsClosed>
void Rung::Add(const Rank& rank, const IsClosed& is_closed) {
  if (!top_.empty() && rank < top_.front()) {
    PushTop(rank);
    if (!is_closed(rank.trial)) promotable_.insert(rank);
  } else {
    PushRest(rank);
  }
  // n grew by one, so after at most one move either way the top part holds
  // floor(n / eta) members again.
  const size_t target = size() / eta_;
  if (top_.size() > target) Demote();
  if (top_.size() < target && !rest_.empty()) {
    const Rank raised = Raise();
    if (!is_closed(raised.trial)) promotable_.insert(raised);
  }
}

}  // namespace rungs::sched
