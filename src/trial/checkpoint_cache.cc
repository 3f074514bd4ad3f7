#include "trial/checkpoint_cache.h"

#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "text/checkpoint.h"
#include "text/memory_estimate.h"

namespace rungs::trial {
namespace {

namespace fs = std::filesystem;

// A checkpoint cheaper to retrain than this many writes is dropped (with
// drop_when_cheaper: see the header).
constexpr double kDropBelowWrites = 4;
// The write speed assumed before the first spill: 4.2 GB of checkpoints
// were spilled in 6.6 s, fsync included, on the 2-vCPU machine of
// bench/RESULTS.md.
constexpr double kAssumedWriteBytesPerSecond = 600e6;

// "trial-12-epochs-9.ckpt" -> {12, 9}.
bool ParseSpilledName(const std::string& name, uint32_t& trial, int& epochs) {
  unsigned long long t = 0;
  int e = 0, length = 0;
  if (std::sscanf(name.c_str(), "trial-%llu-epochs-%d.ckpt%n", &t, &e, &length) != 2 ||
      size_t(length) != name.size() || t > UINT32_MAX || e < 0) {
    return false;
  }
  trial = uint32_t(t);
  epochs = e;
  return true;
}

}  // namespace

int64_t CheckpointCache::SizeOf(const text::Checkpoint& checkpoint) {
  return text::CheckpointBytes(checkpoint);
}

CheckpointCache::CheckpointCache(int64_t capacity_bytes, std::string spill_dir,
                                 bool drop_when_cheaper)
    : capacity_bytes_(capacity_bytes),
      spill_dir_(std::move(spill_dir)),
      drop_when_cheaper_(drop_when_cheaper) {
  if (spill_dir_.empty()) return;
  std::error_code ec;
  for (const fs::directory_entry& file : fs::directory_iterator(spill_dir_, ec)) {
    uint32_t trial = 0;
    int epochs = 0;
    if (!ParseSpilledName(file.path().filename().string(), trial, epochs)) continue;
    spilled_[{trial, epochs}] = int64_t(file.file_size(ec));
  }
}

std::string CheckpointCache::PathOf(uint32_t trial, int epochs) const {
  return (fs::path(spill_dir_) /
          ("trial-" + std::to_string(trial) + "-epochs-" + std::to_string(epochs) + ".ckpt"))
      .string();
}

std::unique_ptr<text::Checkpoint> CheckpointCache::Take(uint32_t trial, int epochs,
                                                        const text::Encoded& data) {
  return Get(trial, epochs, data, /*keep=*/false);
}

std::unique_ptr<text::Checkpoint> CheckpointCache::Copy(uint32_t trial, int epochs,
                                                        const text::Encoded& data) {
  return Get(trial, epochs, data, /*keep=*/true);
}

std::unique_ptr<text::Checkpoint> CheckpointCache::Get(uint32_t trial, int epochs,
                                                       const text::Encoded& data, bool keep) {
  std::string path;
  {
    std::unique_lock<std::mutex> lock(mu_);
    AwaitWrites(lock, trial, epochs);
    if (auto it = by_trial_.find(trial); it != by_trial_.end() && it->second->epochs == epochs) {
      if (keep) return std::make_unique<text::Checkpoint>(*it->second->checkpoint);
      std::unique_ptr<text::Checkpoint> checkpoint = std::move(it->second->checkpoint);
      bytes_ -= it->second->bytes;
      entries_.erase(it->second);
      by_trial_.erase(it);
      return checkpoint;
    }
    if (!spilled_.count({trial, epochs})) return nullptr;
    path = PathOf(trial, epochs);
  }
  // Read outside the lock: only this trial's own (single) job touches its file.
  Result<text::Checkpoint> loaded = text::LoadCheckpoint(path, data);
  if (!loaded.ok()) return nullptr;
  return std::make_unique<text::Checkpoint>(std::move(*loaded));
}

void CheckpointCache::AwaitWrites(std::unique_lock<std::mutex>& lock, uint32_t trial, int epochs) {
  written_.wait(lock, [&] {
    if (epochs >= 0) return writing_.count({trial, epochs}) == 0;
    auto it = writing_.lower_bound({trial, INT_MIN});
    return it == writing_.end() || it->first.first != trial;
  });
}

void CheckpointCache::ForgetSpilledLocked(uint32_t trial, int kept) {
  auto it = spilled_.lower_bound({trial, INT_MIN});
  while (it != spilled_.end() && it->first.first == trial) {
    if (it->first.second == kept) {
      ++it;
      continue;
    }
    std::error_code ec;
    fs::remove(PathOf(trial, it->first.second), ec);
    it = spilled_.erase(it);
  }
}

Status CheckpointCache::SpillOldest(std::unique_lock<std::mutex>& lock) {
  Entry oldest = std::move(entries_.front());
  entries_.pop_front();
  by_trial_.erase(oldest.trial);
  if (spill_dir_.empty() ||
      (drop_when_cheaper_ &&
       oldest.retrain_seconds < kDropBelowWrites * WriteSecondsLocked(oldest.bytes))) {
    bytes_ -= oldest.bytes;
    return Status::Ok();  // dropped
  }
  const std::pair<uint32_t, int> key{oldest.trial, oldest.epochs};
  writing_[key] = {oldest.bytes, oldest.checkpoint->model.shared_dict()};
  writing_bytes_ += oldest.bytes;
  lock.unlock();
  std::error_code ec;
  fs::create_directories(spill_dir_, ec);
  const std::string path = PathOf(key.first, key.second);
  const auto start = std::chrono::steady_clock::now();
  Status saved = ec ? Fail("cannot create " + spill_dir_ + ": " + ec.message())
                    : text::SaveCheckpoint(*oldest.checkpoint, path);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t file_bytes = saved.ok() ? int64_t(fs::file_size(path, ec)) : 0;
  oldest.checkpoint.reset();  // its memory is freed before the count says so
  lock.lock();
  writing_.erase(key);
  writing_bytes_ -= oldest.bytes;
  bytes_ -= oldest.bytes;
  written_.notify_all();
  if (!saved.ok()) {
    return Fail("checkpoint of trial " + std::to_string(oldest.trial) +
                " dropped (it will retrain if promoted): " + saved.message());
  }
  written_bytes_ += oldest.bytes;
  written_seconds_ += seconds;
  spilled_[key] = file_bytes;
  return Status::Ok();
}

double CheckpointCache::WriteSecondsLocked(int64_t bytes) const {
  const double rate = written_seconds_ > 0 ? double(written_bytes_) / written_seconds_
                                           : kAssumedWriteBytesPerSecond;
  return double(bytes) / rate;
}

Status CheckpointCache::Put(uint32_t trial, int from, int epochs,
                            std::unique_ptr<text::Checkpoint> checkpoint, double retrain_seconds) {
  const int64_t size = SizeOf(*checkpoint);
  std::list<Entry> replaced;  // freed outside the lock
  std::unique_lock<std::mutex> lock(mu_);
  AwaitWrites(lock, trial);  // its older file lands before it is forgotten
  if (auto it = by_trial_.find(trial); it != by_trial_.end()) {
    bytes_ -= it->second->bytes;
    replaced.splice(replaced.end(), entries_, it->second);
    by_trial_.erase(it);
  }
  ForgetSpilledLocked(trial, from);
  entries_.push_back({trial, epochs, size, retrain_seconds, std::move(checkpoint)});
  by_trial_[trial] = std::prev(entries_.end());
  bytes_ += size;
  Status status = Status::Ok();
  // What is being written is on its way out of memory: only the rest counts.
  while (bytes_ - writing_bytes_ > capacity_bytes_ && !entries_.empty()) {
    Status spilled = SpillOldest(lock);
    if (status.ok()) status = spilled;
  }
  return status;
}

Status CheckpointCache::Spill(int64_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  int64_t freed = 0;  // by this call: other writes may end meanwhile
  Status status = Status::Ok();
  while (freed < bytes && !entries_.empty()) {
    freed += entries_.front().bytes;  // a failed write drops it: freed too
    Status spilled = SpillOldest(lock);
    if (status.ok()) status = spilled;
  }
  return status;
}

int64_t CheckpointCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

std::vector<std::shared_ptr<const text::Dictionary>> CheckpointCache::Dictionaries() const {
  std::vector<std::shared_ptr<const text::Dictionary>> dicts;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& entry : entries_) dicts.push_back(entry.checkpoint->model.shared_dict());
  for (const auto& [key, writing] : writing_) dicts.push_back(writing.dict);
  return dicts;
}

std::shared_ptr<const text::Dictionary> CheckpointCache::DictionaryOf(uint32_t trial,
                                                                      int epochs) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_trial_.find(trial);
  if (it == by_trial_.end() || it->second->epochs != epochs) return nullptr;
  return it->second->checkpoint->model.shared_dict();
}

int64_t CheckpointCache::BytesInMemory(uint32_t trial) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_trial_.find(trial);
  return it == by_trial_.end() ? 0 : it->second->bytes;
}

int64_t CheckpointCache::BytesOf(uint32_t trial, int epochs) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = by_trial_.find(trial); it != by_trial_.end() && it->second->epochs == epochs) {
    return it->second->bytes;
  }
  if (auto it = writing_.find({trial, epochs}); it != writing_.end()) return it->second.bytes;
  auto it = spilled_.find({trial, epochs});
  return it == spilled_.end() ? 0 : it->second;
}

int64_t CheckpointCache::spilled_files() const {
  std::lock_guard<std::mutex> lock(mu_);
  return int64_t(spilled_.size());
}

void CheckpointCache::DropInMemory() {
  std::list<Entry> dropped;  // freed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  dropped.swap(entries_);
  by_trial_.clear();
  bytes_ = 0;
}

void CheckpointCache::RemoveSpilled() {
  std::unique_lock<std::mutex> lock(mu_);
  written_.wait(lock, [this] { return writing_.empty(); });
  spilled_.clear();
  if (spill_dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(spill_dir_, ec);
}

}  // namespace rungs::trial
