#include "sched/parent_pool.h"

#include "space/random.h"

namespace rungs::sched {

void ParentPool::Push(const Rank& member) {
  if (members_.size() < capacity_) {
    members_.push_back(member);
    return;
  }
  members_[oldest_] = member;
  oldest_ = (oldest_ + 1) % capacity_;
}

const Rank& ParentPool::Tournament(int k, std::mt19937_64& rng) const {
  const Rank* best = &members_[space::UniformIndex(rng, members_.size())];
  for (int i = 1; i < k; ++i) {
    const Rank& other = members_[space::UniformIndex(rng, members_.size())];
    if (other < *best) best = &other;
  }
  return *best;
}

}  // namespace rungs::sched
