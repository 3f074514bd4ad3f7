#include "sched/rung.h"

#include <iterator>

namespace rungs::sched {

void Rung::Add(const Rank& rank, bool usable) {
  const bool closed = !usable;
  if (!top_.empty() && rank < std::prev(top_.end())->first) {
    top_.emplace(rank, closed);
    if (!closed) promotable_.insert(rank);
  } else {
    rest_.emplace(rank, closed);
  }
  // n grew by one, so the top part holds floor(n / eta) again after at most
  // one move either way.
  const size_t target = size() / static_cast<size_t>(eta_);
  while (top_.size() > target) MoveTopToRest();
  while (top_.size() < target && !rest_.empty()) MoveRestToTop();
}

uint32_t Rung::TakeBest() {
  const Rank best = *promotable_.begin();
  promotable_.erase(promotable_.begin());
  top_.find(best)->second = true;
  return best.trial;
}

void Rung::MoveTopToRest() {
  auto last = std::prev(top_.end());
  promotable_.erase(last->first);
  rest_.insert(top_.extract(last));
}

void Rung::MoveRestToTop() {
  auto first = rest_.begin();
  if (!first->second) promotable_.insert(first->first);
  top_.insert(rest_.extract(first));
}

}  // namespace rungs::sched
