// Where a `rungs tune` runs its jobs: on local threads, the trainable in this
// process; or on AWS Lambda, each job one invocation of a function running
// `rungs worker`, which reads the data where the user gave it. The settings
// are resolved first, before any work (on Lambda: the region, endpoint and
// credentials, the AWS way); the executor is built once the trainable and
// the experiment exist. Either way it counts what runs per rung and what it
// costs (RungCounter), for the progress display and the dollar budget.
// Used by the driver thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "exec/lambda_executor.h"
#include "exec/memory_gate.h"
#include "store/journal.h"
#include "tune/rung_counter.h"
#include "tune/search_plan.h"
#include "tune/trainable.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct ExecutorSettings {
  int workers = 1;                            // local: jobs at once
  std::optional<exec::LambdaOptions> lambda;  // set: on Lambda
  // Local: the memory budget of running jobs and paused checkpoints
  // (--memory, or half of what the machine or its cgroup allows), and what
  // it is, for messages: "--memory 2.00 GB", "half of machine memory (...)".
  int64_t memory_bytes = 0;
  // Local: the share of it for jobs side by side; a larger job runs alone.
  // --memory: all of it; by default kSideBySidePerWorker per worker (at
  // least kSideBySideAtLeast), so that two large models do not sit side by
  // side in memory just because the machine has room for them.
  int64_t side_by_side_bytes = 0;
  std::string memory_source;
};

// A fastText model of the default size (dim 100, 2M buckets) fits in 1 GiB
// with its data: every worker can train one side by side.
inline constexpr int64_t kSideBySidePerWorker = int64_t{1} << 30;
inline constexpr int64_t kSideBySideAtLeast = int64_t{2} << 30;

// Fails naming the flag (or AWS setting) that is missing or wrong.
Result<ExecutorSettings> ResolveExecutor(const TuneSpec& spec);

// The executor of a tune: the local or Lambda one, behind a memory gate
// (exec/memory_gate.h) for the built-in classifier, counted.
class TuneExecutor {
 public:
  // `gate`, when given, wraps `*inner`. `cancel_at` is empty when the
  // executor cannot cancel on its own (Lambda).
  TuneExecutor(RungCounter counter, std::unique_ptr<exec::Executor> inner,
               std::unique_ptr<exec::MemoryGate> gate, std::function<void()> cancel_all,
               std::function<void(double)> cancel_at);

  exec::Executor& executor() { return counting_; }
  const RungCounts& counts() const { return counter_.counts(); }
  CandidateSeconds SecondsOfCandidates(bool maximize, int64_t validation_rows, size_t count) {
    return counter_.SecondsOfCandidates(maximize, validation_rows, count);
  }
  std::optional<double> BestsRunningJobEndsAt(bool maximize, int64_t validation_rows,
                                              size_t count) {
    return counter_.BestsRunningJobEndsAt(maximize, validation_rows, count);
  }
  // Stops the running jobs; they come back as abandoned.
  void CancelAll() { cancel_all_(); }
  // Local: CancelAll once executor().Now() reaches `seconds`, on time even
  // while the driver thread is busy (exec::LocalExecutor::CancelAt); a later
  // call moves the time. On Lambda nothing: the driver calls CancelAll.
  void CancelAt(double seconds) {
    if (cancel_at_) cancel_at_(seconds);
  }

 private:
  RungCounter counter_;
  const std::unique_ptr<exec::Executor> inner_;
  const std::unique_ptr<exec::MemoryGate> gate_;  // null: none
  const std::function<void()> cancel_all_;
  const std::function<void(double)> cancel_at_;  // empty: none
  CountingExecutor counting_;  // wraps *gate_ or *inner_, counts into counter_
};

// The memory limits of the jobs, checked once the data is read: locally the
// budget less what the process already holds (the data) and less
// kUnpredictedShare of the rest, for running jobs
// and paused checkpoints together, failing when nothing is left; on Lambda
// the function's memory per job (--memory-mb, or learnt from the first
// answers).
// The share of the memory budget jobs do not plan on (allocator slack,
// short-lived buffers the predictions leave out).
inline constexpr double kUnpredictedShare = 0.15;

Result<exec::MemoryLimits> JobMemoryLimits(const ExecutorSettings& settings, const TuneSpec& local);

// The memory gate's view of `classifier`: what a job needs (an upper bound
// first, the exact need when memory is short, counted off the driver
// thread), what is held between jobs and how to free it. A job whose
// prediction fails starts anyway and fails with the reason itself. Both must
// outlive the hooks.
exec::MemoryGate::Hooks ClassifierHooks(trial::ClassifierTrial& classifier,
                                        const space::Space& space);
// What `classifier` predicts for `job`, counted on this thread; nothing when
// the prediction fails.
exec::JobMemory PredictJobMemory(trial::ClassifierTrial& classifier, const job::Job& job,
                                 trial::Prediction how);

// `given` is the spec as the user gave it (Lambda workers fetch the data
// themselves), `local` the same with local files. `plan`, `trainable` and
// `journal` must outlive the executor.
Result<std::unique_ptr<TuneExecutor>> MakeExecutor(const ExecutorSettings& settings,
                                                   const TuneSpec& given, const TuneSpec& local,
                                                   const exec::MemoryLimits& limits,
                                                   const SearchPlan& plan, Trainable& trainable,
                                                   const store::Journal& journal);

}  // namespace rungs::tune
