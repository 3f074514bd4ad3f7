#include "sched/rung.h"

namespace rungs::sched {

uint32_t Rung::TakeBest() {
  const uint32_t trial = promotable_.begin()->trial;
  promotable_.erase(promotable_.begin());
  return trial;
}

void Rung::Demote() {
  std::pop_heap(top_.begin(), top_.end(), Better);
  const Rank worst = top_.back();
  top_.pop_back();
  promotable_.erase(worst);
  PushRest(worst);
}

Rank Rung::Raise() {
  std::pop_heap(rest_.begin(), rest_.end(), Worse);
  const Rank best = rest_.back();
  rest_.pop_back();
  PushTop(best);
  return best;
}

}  // namespace rungs::sched
