// MemoryGate: an Executor that starts a job on the executor it wraps only
// when the job's predicted memory fits the budget together with the jobs
// already running and what is held between jobs (paused trials' checkpoints,
// cached encodings).
//
// Each submitted job is predicted (`predict`), then decided by DecideMemory,
// a pure function. A prediction may be an upper bound, cheap to make; when
// a bound does not simply start, the gate asks for the exact need (`refine`)
// of that job, and then, unless it cannot fit even alone, of the running
// jobs that were started on a bound, before deciding again, so exact
// predictions are made only when memory is short. An exact need may take
// time to count: until `refine` has it, a job on a bound that does not fit
// waits (and so do the jobs behind it, in order, when there is a total
// budget; with a limit per job only, they are decided without it), and
// Wait asks again every 20 ms. The decisions:
//   - start: it fits now, or fits once some of what is held is freed
//     (`release`, asked to free that many bytes; when it frees less, the
//     job waits for running jobs to end, or starts if none runs);
//   - wait: it fits alone but not beside the running jobs; it waits, first
//     in line, until enough of them finish (jobs start in submission order,
//     so a large job is not starved by small ones). With a side-by-side
//     share below the total, jobs run together within the share, and a
//     job larger than the share waits to run alone;
//   - refuse: it cannot fit even alone (or the release it needs failed); it
//     comes back from Wait as a result with Outcome::kRefused whose error
//     names the configuration, what it needs and the limit, and the search
//     goes on. When the first jobs are all refused (20 of them) the budget
//     is smaller than any job the search gives: Submit or Wait then fails,
//     naming the limit and the smallest need.
// A job that waits counts as running for the driver (it was submitted), so
// capacity() is the wrapped executor's. A prediction that fails lets the job
// start: the job itself then fails with the reason.
// Not thread-safe: one driver thread calls every method.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "exec/executor.h"

namespace rungs::exec {

// What a job will hold at its peak, and how much of that is a checkpoint
// already held in memory that the job takes over (not new memory).
struct JobMemory {
  int64_t bytes = 0;
  int64_t held = 0;
  bool upper_bound = false;  // at least the need: `refine` gives the need itself
};

struct MemoryLimits {
  int64_t total = 0;    // running jobs + what is held (0: no limit)
  int64_t per_job = 0;  // any one job (0: no limit), e.g. a Lambda function's memory
  // Running jobs and what is held side by side (0: total); a job larger
  // than this, up to total, runs alone.
  int64_t side_by_side = 0;
  std::string total_name = "the memory budget (--memory)";
  std::string per_job_name;
  // Set per_job from the memory the first results were billed for
  // (JobResult::cost.memory_mb), when it is not known before.
  bool per_job_from_results = false;
};

enum class Admission { kStart, kWait, kRefuse };

struct MemoryDecision {
  Admission admission = Admission::kStart;
  int64_t release = 0;  // with kStart: bytes of what is held to free first
};

// The decision for a job needing `need`, with `running` bytes reserved by
// running jobs and `held` bytes held between jobs.
MemoryDecision DecideMemory(const MemoryLimits& limits, const JobMemory& need, int64_t running,
                            int64_t held);

class MemoryGate : public Executor {
 public:
  struct Hooks {
    std::function<JobMemory(const job::Job&)> predict;
    // Exact, for a bound from predict; nullopt while it is being counted.
    std::function<std::optional<JobMemory>(const job::Job&)> refine;
    std::function<int64_t()> held;                 // bytes held between jobs now
    std::function<Status(int64_t bytes)> release;  // free at least `bytes` of them
    std::function<std::string(const job::Job&)> describe;  // the job's configuration
  };

  // `inner` must outlive the gate. Missing hooks: nothing held or released.
  MemoryGate(Executor& inner, MemoryLimits limits, Hooks hooks);

  int capacity() const override { return inner_.capacity(); }
  job::Promotion promotion() const override { return inner_.promotion(); }
  Status Submit(const job::Job& job) override;
  Result<std::vector<job::JobResult>> Wait(double timeout_seconds) override;
  double Now() const override { return inner_.Now(); }

  int64_t running_bytes() const { return running_bytes_; }
  size_t waiting() const { return waiting_.size(); }

 private:
  struct JobNeed {  // a job and its prediction
    job::Job job;
    JobMemory need;
  };
  // Starts waiting jobs in order while they fit; refuses those that never will.
  Status StartWhatFits();
  enum class Refined { kNothing, kSome, kCounting };
  // Replaces the first waiting job's bound by its exact need or, when it has
  // none and `admission` is not a refusal, those of the running jobs;
  // kCounting when an exact need it asked for is not counted yet.
  Refined Refine(Admission admission);
  // Replaces `job`'s bound by its exact need, if counted; whether it was.
  bool MakeExact(JobNeed& job);
  void Refuse(const job::Job& job, const JobMemory& need, const std::string& why);
  // Frees what `result`'s job reserved.
  void Finished(const job::JobResult& result);

  Executor& inner_;
  MemoryLimits limits_;
  const Hooks hooks_;
  std::deque<JobNeed> waiting_;
  std::unordered_map<uint64_t, JobNeed> running_;  // by job id; its need is reserved
  int64_t running_bytes_ = 0;
  std::vector<job::JobResult> refused_;  // not yet returned by Wait
  bool counting_ = false;  // a job waits for an exact need being counted
  bool ever_started_ = false;
  int refusals_before_start_ = 0;
  int64_t smallest_refused_ = INT64_MAX;
};

}  // namespace rungs::exec
