// Training: fastText's supervised SGD (Hogwild threads, linear learning-rate
// decay) over an epoch range under a global schedule, from scratch or from a
// Checkpoint, stoppable, with progress from one place.
//
// Train() runs `args.thread` worker threads that update the shared weights
// without locks (as fastText does); the calling thread waits, reports
// progress and watches the cancel flag and deadline. Different Checkpoints
// may be trained concurrently; one Checkpoint must not be used by two calls
// at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "text/args.h"
#include "text/corpus.h"
#include "text/model.h"

namespace rungs::text {

// The learning rate as a function of the global token position, fixed for a
// whole trial however it is split into jobs: it falls linearly from lr_start
// at epoch_start to lr_end at epoch_end (positions in epochs of the corpus;
// outside the range it holds the nearest end value).
struct LrSchedule {
  double lr_start = 0.1;
  double lr_end = 0.0;
  double epoch_start = 0.0;
  double epoch_end = 5.0;

  // fastText's: args.lr falling to 0 over args.epoch epochs.
  static LrSchedule FastText(const TrainArgs& args) {
    return {args.lr, 0.0, 0.0, static_cast<double>(args.epoch)};
  }
};

// Where one Hogwild thread is, so that training continues bit for bit.
struct ThreadPosition {
  int64_t cursor = 0;        // index into the (shuffled) example order
  int64_t local_tokens = 0;  // tokens not yet added to the global count
  uint32_t rng_state = 1;    // std::minstd_rand state
  double loss_sum = 0;       // loss since the start of training
  int64_t loss_examples = 0;
};

// All a training needs to continue: weights, the position in the schedule
// (tokens processed, fastText's tokenCount) and each thread's state.
// In memory here; SaveCheckpoint/LoadCheckpoint (checkpoint.h) put it in a file.
struct Checkpoint {
  Model model;
  int64_t tokens_done = 0;
  std::vector<ThreadPosition> threads;  // args.thread entries
};

// fastText's initial input weights for `args`: uniform in [-1/dim, 1/dim),
// drawn per row from args.seed and the row index (lazy_matrix.h).
std::shared_ptr<const RowSource> InitialInputRows(const TrainArgs& args);

// A fresh checkpoint at position 0 for training `data` with `args`: weights
// initialized as fastText does. Fails on invalid args or when the weight
// matrices would exceed args.memory_limit_bytes (the message gives both sizes).
Result<Checkpoint> StartTraining(const Encoded& data, const TrainArgs& args);

// Where each of `threads` threads starts (fastText's): thread t at t/threads
// of the example order, its generator seeded seed + t.
std::vector<ThreadPosition> StartPositions(const Encoded& data, int threads, int seed);

struct TrainProgress {
  int64_t tokens_done = 0;
  double epoch = 0;    // tokens_done in epochs of the corpus
  double lr = 0;
  double loss = 0;     // mean loss of thread 0 so far
  double seconds = 0;  // since this Train call began
};

struct TrainControl {
  // Checked by every training thread before each example, and every few
  // milliseconds by the calling thread; setting it stops training soon after.
  const std::atomic<bool>* cancel = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Called from the thread that called Train, at most every
  // progress_interval, and once at the end.
  std::function<void(const TrainProgress&)> on_progress;
  std::chrono::milliseconds progress_interval{250};
};

enum class TrainStop { kDone, kCancelled, kDeadline, kDiverged };

struct TrainReport {
  TrainStop stop = TrainStop::kDone;
  int64_t tokens_done = 0;  // position reached (global)
  double epoch = 0;         // the same in epochs
  double loss = 0;          // mean training loss over all threads
  double seconds = 0;
  std::string message;      // why, when stop != kDone
};

// Trains `checkpoint` on `data` (encoded with checkpoint.model's dictionary)
// until the global position reaches `to_epoch` epochs, under `schedule`.
// Example order: shuffled with args.seed unless args.keep_order; thread t
// starts at t/threads of it and cycles. With one thread, training 0->a then
// a->b equals 0->b bit for bit. Stops early (checkpoint stays consistent and
// resumable) on cancel, deadline or divergence (NaN/inf loss: weights are
// then unusable). Fails when data does not match the checkpoint.
Result<TrainReport> Train(const Encoded& data, const LrSchedule& schedule, double to_epoch,
                          Checkpoint& checkpoint, const TrainControl& control = {});

}  // namespace rungs::text
