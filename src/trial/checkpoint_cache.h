// CheckpointCache: the in-memory checkpoints of paused trials, bounded in
// bytes so that a long search cannot exhaust memory.
//
// When full, the least recently stored checkpoints are dropped; a promotion
// whose checkpoint was dropped retrains from scratch (the job result says so
// through its epochs_trained). Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "text/trainer.h"

namespace rungs::trial {

class CheckpointCache {
 public:
  explicit CheckpointCache(int64_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  // Removes and returns the checkpoint of `trial`, or null when none is held.
  std::unique_ptr<text::Checkpoint> Take(uint32_t trial);
  // Stores the checkpoint of `trial`, dropping older ones to make room; one
  // larger than the whole capacity is not kept.
  void Put(uint32_t trial, std::unique_ptr<text::Checkpoint> checkpoint);

  int64_t bytes() const;

  static int64_t SizeOf(const text::Checkpoint& checkpoint);

 private:
  struct Entry {
    uint32_t trial;
    int64_t bytes;
    std::unique_ptr<text::Checkpoint> checkpoint;
  };

  const int64_t capacity_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // GUARDED_BY(mu_), oldest first
  std::unordered_map<uint32_t, std::list<Entry>::iterator> by_trial_;  // GUARDED_BY(mu_)
  int64_t bytes_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace rungs::trial
