// CheckpointCache: the checkpoints of paused trials, in memory up to a
// number of bytes, and beyond that on disk when it has a spill folder.
//
// When the memory part is full, the least recently stored checkpoints are
// written to the spill folder (one file per trial, doc/checkpoint.md's
// format, written atomically) and read back when their trial is promoted;
// without a spill folder they are dropped, and a promotion whose checkpoint
// was dropped retrains from scratch (the job result says so through its
// epochs_trained). Spilled files survive the process: a cache opened on a
// folder holding some (a resumed experiment) uses them. Thread-safe; a
// spill is written without holding the cache's lock (up to a GB, seconds on
// a slow disk), so other workers and the driver are not held up by it: the
// checkpoint counts as in memory until it is written, and a Take or Copy of
// it waits for its file.
//
// With `drop_when_cheaper`, a checkpoint that would take less time to
// retrain than to spill is dropped instead: a spill costs its write now and
// a read if the trial is promoted, a drop costs a retraining only if it is,
// and about one paused trial in eta = 3 is. So a checkpoint is written only
// when retraining it would take longer than four writes (three, and a read
// of about the same time), at the write speed this cache has measured. On
// a small corpus with large n-gram tables (ag_news: 60-240 MB checkpoints
// of trials trained in 0.2-1 s) spilling every one took an eighth of the
// workers' time (bench/RESULTS.md). Not for an epoch budget: a retraining
// spends epochs the scheduler did not reserve.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "text/corpus.h"
#include "text/trainer.h"

namespace rungs::trial {

class CheckpointCache {
 public:
  // `spill_dir` empty: checkpoints beyond `capacity_bytes` are dropped. The
  // folder is created when the first checkpoint is spilled.
  explicit CheckpointCache(int64_t capacity_bytes, std::string spill_dir = {},
                           bool drop_when_cheaper = false);

  // Put's retrain_seconds for a checkpoint that is never dropped for being
  // cheap to retrain.
  static constexpr double kNeverDrop = std::numeric_limits<double>::infinity();

  // Removes and returns the checkpoint of `trial` trained to `epochs`
  // epochs, from memory, or read from its spilled file with `data` (the
  // training corpus encoded with the trial's dictionary); null when none is
  // kept for those epochs, or when its file cannot be read (the trial then
  // retrains). A spilled file stays after it is read: see Put.
  std::unique_ptr<text::Checkpoint> Take(uint32_t trial, int epochs, const text::Encoded& data);
  // As Take, but the checkpoint stays stored and a copy is returned.
  std::unique_ptr<text::Checkpoint> Copy(uint32_t trial, int epochs, const text::Encoded& data);

  // Stores the checkpoint of `trial` at `epochs` epochs, trained by a job
  // that started from `from` epochs, spilling (or dropping) the least
  // recently stored ones to make room; one larger than the whole capacity
  // goes to disk (or is not kept). The trial's older spilled files are
  // removed, but the one at `from`: the job's result is not yet in the
  // journal, and if the process dies before it is, the job runs again after
  // the resume and needs that file. Fails when a spill fails (a full disk):
  // the checkpoint that could not be written is dropped and the message
  // names its file. `retrain_seconds`: how long training the checkpoint
  // again from scratch would take (see drop_when_cheaper).
  Status Put(uint32_t trial, int from, int epochs, std::unique_ptr<text::Checkpoint> checkpoint,
             double retrain_seconds = kNeverDrop);

  // Spills the least recently stored checkpoints until at least `bytes` of
  // memory are freed (or none is left in memory). Fails as Put does; without
  // a spill folder it drops them.
  Status Spill(int64_t bytes);

  int64_t bytes() const;                  // held in memory
  // The dictionaries of the checkpoints held in memory (shared with others:
  // not in bytes()).
  std::vector<std::shared_ptr<const text::Dictionary>> Dictionaries() const;
  // The dictionary of the checkpoint of `trial` at `epochs` when it is held
  // in memory, else null.
  std::shared_ptr<const text::Dictionary> DictionaryOf(uint32_t trial, int epochs) const;
  int64_t BytesInMemory(uint32_t trial) const;
  // Bytes of the checkpoint of `trial` at `epochs`, in memory or on disk; 0 when none.
  int64_t BytesOf(uint32_t trial, int epochs) const;
  int64_t spilled_files() const;

  // Frees the checkpoints held in memory (the spilled files stay).
  void DropInMemory();

  // Deletes the spill folder and everything in it.
  void RemoveSpilled();

  static int64_t SizeOf(const text::Checkpoint& checkpoint);

 private:
  struct Entry {
    uint32_t trial;
    int epochs;
    int64_t bytes;
    double retrain_seconds;
    std::unique_ptr<text::Checkpoint> checkpoint;
  };
  std::string PathOf(uint32_t trial, int epochs) const;
  std::unique_ptr<text::Checkpoint> Get(uint32_t trial, int epochs, const text::Encoded& data,
                                        bool keep);
  // Writes the oldest entry to disk, or drops it (no spill folder, or
  // cheaper to retrain); the write itself is made with `lock` released.
  Status SpillOldest(std::unique_lock<std::mutex>& lock);
  // Waits, with `lock` held on mu_, until no checkpoint of `trial` (at
  // `epochs`, or at any epochs when it is negative) is being written.
  void AwaitWrites(std::unique_lock<std::mutex>& lock, uint32_t trial, int epochs = -1);
  // Seconds a spill of `bytes` takes, at the speed measured so far. Needs mu_ held.
  double WriteSecondsLocked(int64_t bytes) const;
  // Removes the spilled files of `trial` but the one at `kept` epochs.
  void ForgetSpilledLocked(uint32_t trial, int kept);

  const int64_t capacity_bytes_;
  const std::string spill_dir_;
  const bool drop_when_cheaper_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // GUARDED_BY(mu_), oldest first
  std::unordered_map<uint32_t, std::list<Entry>::iterator> by_trial_;  // GUARDED_BY(mu_)
  // (trial, epochs) -> bytes of its file; at most two files per trial (see Put).
  std::map<std::pair<uint32_t, int>, int64_t> spilled_;  // GUARDED_BY(mu_)
  // Checkpoints being written by SpillOldest, still in memory: their bytes
  // and dictionaries.
  struct Writing {
    int64_t bytes;
    std::shared_ptr<const text::Dictionary> dict;
  };
  std::map<std::pair<uint32_t, int>, Writing> writing_;  // GUARDED_BY(mu_)
  std::condition_variable written_;  // a write of writing_ ended
  int64_t bytes_ = 0;  // entries_ and writing_; GUARDED_BY(mu_)
  int64_t writing_bytes_ = 0;  // GUARDED_BY(mu_)
  // Every spill so far: bytes written and seconds taken.
  int64_t written_bytes_ = 0;    // GUARDED_BY(mu_)
  double written_seconds_ = 0;   // GUARDED_BY(mu_)
};

}  // namespace rungs::trial
