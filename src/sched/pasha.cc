#include "sched/pasha.h"

#include <algorithm>
#include <cmath>

namespace rungs::sched {

Pasha::Pasha(double epsilon, int top_rung)
    : epsilon_(epsilon), top_(top_rung), cap_(std::min(1, top_rung)) {}

void Pasha::Promoted(uint32_t trial, int rung, double below) {
  // At the real top nothing is left to adapt: no more bookkeeping.
  if (rung == cap_ && cap_ < top_) running_[trial] = below;
}

bool Pasha::Report(uint32_t trial, int rung, const Rank& rank, bool usable) {
  const auto it = running_.find(trial);
  if (it == running_.end()) return false;
  const double below = it->second;
  running_.erase(it);
  if (rung != cap_ || !usable) return false;  // the cap moved on, or nothing to rank

  const Entry entry{rank, below};
  at_cap_.insert(entry);
  below_.insert(Below{below, trial});
  const size_t p = at_cap_.order_of_key(entry);
  const size_t q = below_.order_of_key(Below{below, trial});
  if (Settled(std::min(p, q), std::max(p, q))) return false;
  Grow();
  return true;
}

bool Pasha::Settled(size_t from, size_t to) const {
  auto t = at_cap_.find_by_order(from);
  auto s = below_.find_by_order(from);
  for (size_t i = from; i <= to; ++i, ++t, ++s) {
    if (std::abs(t->below - s->first) > epsilon_) return false;
  }
  return true;
}

void Pasha::Grow() {
  ++cap_;
  at_cap_.clear();
  below_.clear();
}

}  // namespace rungs::sched
