// BestSoFar: the best usable result, by resource level reached, then rank.
//
// A result at a higher level (more epochs) beats any result at a lower one;
// at the same level the lower rank wins and an equal score keeps the earlier
// result. Not thread-safe.
#pragma once

#include <optional>
#include <utility>

#include "sched/rank.h"
#include "sched/scheduler.h"

namespace rungs::sched {

class BestSoFar {
 public:
  // True when a usable result at `level` with `rank` would replace the best.
  bool Improves(int level, const Rank& rank) const {
    return level > level_ || (level == level_ && rank < rank_);
  }
  void Set(int level, const Rank& rank, Best best) {
    level_ = level;
    rank_ = rank;
    best_ = std::move(best);
  }
  const std::optional<Best>& get() const { return best_; }

 private:
  int level_ = -1;
  Rank rank_;
  std::optional<Best> best_;
};

}  // namespace rungs::sched
