#include "exec/memory_gate.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/byte_size.h"

namespace rungs::exec {
namespace {

// Refusals in a row, before any job could start, after which the budget is
// taken to be smaller than any job the search can give.
constexpr int kRefusalsBeforeGivingUp = 20;

// How often Wait asks again for exact needs being counted: a count takes
// 0.1-1 s, so this adds little to it and costs the driver nothing.
constexpr double kCountPollSeconds = 0.02;

}  // namespace

MemoryDecision DecideMemory(const MemoryLimits& limits, const JobMemory& need, int64_t running,
                            int64_t held) {
  if (limits.per_job > 0 && need.bytes > limits.per_job) return {Admission::kRefuse};
  if (limits.total <= 0) return {Admission::kStart};
  if (need.bytes > limits.total) return {Admission::kRefuse};
  // Room for this job and what is held: the side-by-side share less the
  // running jobs; a job larger than that share has the whole budget, alone.
  const int64_t shared = limits.side_by_side > 0 ? std::min(limits.side_by_side, limits.total)
                                                 : limits.total;
  int64_t room = shared - running;
  if (need.bytes > shared) room = running > 0 ? 0 : limits.total;
  if (need.bytes > room) return {Admission::kWait};  // running > 0 here
  const int64_t others_held = std::max<int64_t>(0, held - need.held);
  const int64_t free = room - others_held;
  if (need.bytes <= free) return {Admission::kStart};
  return {Admission::kStart, need.bytes - free};
}

MemoryGate::MemoryGate(Executor& inner, MemoryLimits limits, Hooks hooks)
    : inner_(inner), limits_(std::move(limits)), hooks_(std::move(hooks)) {}

Status MemoryGate::Submit(const job::Job& job) {
  if (int(running_.size() + waiting_.size()) >= capacity()) {
    return Fail("memory gate: all " + std::to_string(capacity()) + " workers are busy");
  }
  JobMemory need = hooks_.predict ? hooks_.predict(job) : JobMemory{};
  waiting_.push_back({job, need});
  return StartWhatFits();
}

void MemoryGate::Refuse(const job::Job& job, const JobMemory& need, const std::string& why) {
  std::string config = hooks_.describe ? " " + hooks_.describe(job) : "";
  refused_.push_back(job::ResultFor(
      job, job::Outcome::kRefused,
      "refused: configuration" + config + " needs " + ByteSizeText(need.bytes) + ", " + why));
  if (!ever_started_) {
    ++refusals_before_start_;
    smallest_refused_ = std::min(smallest_refused_, need.bytes);
  }
}

bool MemoryGate::MakeExact(JobNeed& job) {
  std::optional<JobMemory> exact = hooks_.refine(job.job);
  if (!exact) return false;
  job.need = *exact;
  job.need.upper_bound = false;
  return true;
}

MemoryGate::Refined MemoryGate::Refine(Admission admission) {
  if (!hooks_.refine) return Refined::kNothing;
  JobNeed& front = waiting_.front();
  if (front.need.upper_bound) return MakeExact(front) ? Refined::kSome : Refined::kCounting;
  // A job that cannot fit even alone is refused whatever the others need.
  if (admission == Admission::kRefuse) return Refined::kNothing;
  Refined refined = Refined::kNothing;
  for (auto& [id, running] : running_) {
    if (!running.need.upper_bound) continue;
    const int64_t bound = running.need.bytes;
    if (!MakeExact(running)) {
      if (refined == Refined::kNothing) refined = Refined::kCounting;
      continue;
    }
    running_bytes_ += running.need.bytes - bound;
    refined = Refined::kSome;
  }
  return refined;
}

Status MemoryGate::StartWhatFits() {
  counting_ = false;
  size_t counting = 0;  // jobs moved to the back of the queue until their count is done
  while (waiting_.size() > counting) {
    const JobNeed& front = waiting_.front();
    const int64_t held = hooks_.held ? hooks_.held() : 0;
    MemoryDecision decision = DecideMemory(limits_, front.need, running_bytes_, held);
    // Waiting, a refusal or a spill on a bound: decide again on exact needs.
    const bool short_of_memory = decision.admission != Admission::kStart || decision.release > 0;
    const Refined refined = short_of_memory ? Refine(decision.admission) : Refined::kNothing;
    if (refined == Refined::kSome) continue;
    if (refined == Refined::kCounting) {
      counting_ = true;
      // Within a total budget jobs start in order; with a limit per job
      // only, no job's decision depends on another's.
      if (limits_.total > 0) break;
      waiting_.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
      ++counting;
      continue;
    }
    if (decision.admission == Admission::kWait) break;
    if (decision.admission == Admission::kRefuse) {
      bool per_job = limits_.per_job > 0 && front.need.bytes > limits_.per_job;
      Refuse(front.job, front.need,
             "more than " + (per_job ? limits_.per_job_name + " of " + ByteSizeText(limits_.per_job)
                                     : limits_.total_name + " of " + ByteSizeText(limits_.total)));
      waiting_.pop_front();
      continue;
    }
    if (decision.release > 0 && hooks_.release) {
      Status released = hooks_.release(decision.release);
      if (!released.ok()) {
        Refuse(front.job, front.need,
               "and the paused trials' checkpoints could not be moved to disk to make room: " +
                   released.message());
        waiting_.pop_front();
        continue;
      }
      // Part of what is held may be in use by the running jobs: then wait for them.
      const int64_t left = hooks_.held ? hooks_.held() : 0;
      if (!running_.empty() && DecideMemory(limits_, front.need, running_bytes_, left).release > 0) {
        break;
      }
    }
    RUNGS_RETURN_IF_ERROR(inner_.Submit(front.job));
    running_[front.job.id] = front;
    running_bytes_ += front.need.bytes;
    ever_started_ = true;
    waiting_.pop_front();
  }
  if (!ever_started_ && refusals_before_start_ >= kRefusalsBeforeGivingUp) {
    return Fail(limits_.total_name + " of " + ByteSizeText(limits_.total) +
                " is smaller than any job tried: the first " +
                std::to_string(refusals_before_start_) + " were refused, the smallest needing " +
                ByteSizeText(smallest_refused_));
  }
  return Status::Ok();
}

Result<std::vector<job::JobResult>> MemoryGate::Wait(double timeout_seconds) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(timeout_seconds));
  std::vector<job::JobResult> results;
  results.swap(refused_);
  while (!running_.empty() || counting_) {
    // While a count is under way, wait in short slices and ask again.
    const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    double slice = results.empty() ? std::max(0.0, left) : 0;
    if (counting_) slice = std::min(slice, kCountPollSeconds);
    if (!running_.empty()) {
      Result<std::vector<job::JobResult>> finished = inner_.Wait(slice);
      if (!finished.ok()) return finished.error();
      for (job::JobResult& r : *finished) {
        Finished(r);
        results.push_back(std::move(r));
      }
    } else if (slice > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(slice));
    }
    RUNGS_RETURN_IF_ERROR(StartWhatFits());
    // Refused now: returned with these results rather than at the next call.
    for (job::JobResult& r : refused_) results.push_back(std::move(r));
    refused_.clear();
    if (!results.empty() || !counting_ || Clock::now() >= deadline) break;
  }
  return results;
}

void MemoryGate::Finished(const job::JobResult& result) {
  if (limits_.per_job_from_results && result.cost.memory_mb > 0) {
    limits_.per_job = int64_t{result.cost.memory_mb} << 20;
  }
  if (auto it = running_.find(result.job); it != running_.end()) {
    running_bytes_ -= it->second.need.bytes;
    running_.erase(it);
  }
}

}  // namespace rungs::exec
