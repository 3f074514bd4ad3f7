// Trainable: what runs a job in this process, checked before any work: the
// built-in classifier on the spec's data (read and split here, so a bad file
// fails now), or the spec's training command (parsed, its folders created).
// On Lambda the workers train; this one only retrains the best trial for
// best.bin. Run is thread-safe (jobs of different trials run at once); the
// rest is for one thread.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "job/job.h"
#include "trial/classifier_data.h"
#include "trial/classifier_trial.h"
#include "trial/command_trial.h"
#include "tune/search_plan.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

class Trainable {
 public:
  // `plan` must outlive the trainable. `memory_bytes`: the local memory
  // budget's side-by-side share (ExecutorSettings), which bounds the
  // checkpoints held in memory; 0: none.
  static Result<std::unique_ptr<Trainable>> Make(const TuneSpec& spec, const SearchPlan& plan,
                                                 int64_t memory_bytes);

  job::JobResult Run(const job::Job& job, const std::atomic<bool>* cancel);

  // Deletes the checkpoints spilled to disk (CheckpointDir), when the run
  // ends without --keep-checkpoints.
  void RemoveSpilledCheckpoints();

  // The classifier trial, or null for a command (its models are its own).
  trial::ClassifierTrial* classifier() { return classifier_ ? &*classifier_ : nullptr; }
  // With a classifier: its data, and the options it trains with.
  trial::ClassifierData& data() { return *data_; }
  const trial::TrialOptions& options() const { return options_; }

 private:
  explicit Trainable(trial::TrialOptions options) : options_(std::move(options)) {}

  const trial::TrialOptions options_;
  std::optional<trial::ClassifierData> data_;
  std::optional<trial::ClassifierTrial> classifier_;
  std::optional<trial::CommandTrial> command_;
};

// Where paused trials' checkpoints go beyond --checkpoint-memory-mb or the
// memory budget: OUT/checkpoints.
std::string CheckpointDir(const std::string& out);

// Bytes of paused trials' checkpoints kept in memory: --checkpoint-memory-mb,
// but at most half the memory budget `memory_bytes` (0: none), leaving the
// rest to running jobs (the memory gate spills more when a job needs room).
int64_t CheckpointMemoryBytes(const TuneSpec& spec, int64_t memory_bytes);

// Where the classifier's data is and how it is read and split.
trial::DataSpec DataFor(const TuneSpec& spec);

}  // namespace rungs::tune
