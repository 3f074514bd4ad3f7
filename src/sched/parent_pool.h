// ParentPool: the newest results at one resource level, for tournaments.
//
// Bounded like regularized evolution's population: once full, each new
// member replaces the oldest, so memory and every operation stay O(capacity)
// or better however many trials run. Not thread-safe.
#pragma once

#include <random>
#include <vector>

#include "sched/rank.h"

namespace rungs::sched {

class ParentPool {
 public:
  explicit ParentPool(int capacity) : capacity_(static_cast<size_t>(capacity)) {}

  // Adds a member, evicting the oldest when full. O(1).
  void Push(const Rank& member);
  size_t size() const { return members_.size(); }

  // Best of `k` members drawn uniformly with replacement (ties: earlier
  // result). Requires size() > 0. O(k).
  const Rank& Tournament(int k, std::mt19937_64& rng) const;

 private:
  size_t capacity_;
  std::vector<Rank> members_;  // a ring once full
  size_t oldest_ = 0;          // next slot to overwrite once full
};

}  // namespace rungs::sched
