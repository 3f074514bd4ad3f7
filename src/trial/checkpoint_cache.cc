#include "trial/checkpoint_cache.h"

#include "text/memory_estimate.h"

namespace rungs::trial {

int64_t CheckpointCache::SizeOf(const text::Checkpoint& checkpoint) {
  return text::CheckpointBytes(checkpoint);
}

std::unique_ptr<text::Checkpoint> CheckpointCache::Take(uint32_t trial) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_trial_.find(trial);
  if (it == by_trial_.end()) return nullptr;
  std::unique_ptr<text::Checkpoint> checkpoint = std::move(it->second->checkpoint);
  bytes_ -= it->second->bytes;
  entries_.erase(it->second);
  by_trial_.erase(it);
  return checkpoint;
}

void CheckpointCache::Put(uint32_t trial, std::unique_ptr<text::Checkpoint> checkpoint) {
  int64_t size = SizeOf(*checkpoint);
  std::unique_ptr<text::Checkpoint> replaced = Take(trial);  // freed outside the lock
  std::list<Entry> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  if (size > capacity_bytes_) return;
  while (bytes_ + size > capacity_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.front().bytes;
    by_trial_.erase(entries_.front().trial);
    dropped.splice(dropped.end(), entries_, entries_.begin());
  }
  entries_.push_back({trial, size, std::move(checkpoint)});
  by_trial_[trial] = std::prev(entries_.end());
  bytes_ += size;
}

int64_t CheckpointCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace rungs::trial
