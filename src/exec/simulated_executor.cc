#include "exec/simulated_executor.h"

#include <string>

namespace rungs::exec {

SimulatedExecutor::SimulatedExecutor(Objective& objective, int capacity,
                                     job::Promotion promotion)
    : objective_(objective), capacity_(capacity), promotion_(promotion) {}

Status SimulatedExecutor::Submit(const job::Job& job) {
  if (running() >= capacity_) {
    return Fail("simulated executor: all " + std::to_string(capacity_) +
                " workers are busy; job " + std::to_string(job.id) + " refused");
  }
  untrained_.push_back(job);
  return Status::Ok();
}

// Every untrained job was submitted at now_: the clock only moves in Wait,
// after this.
Status SimulatedExecutor::TrainSubmitted() {
  if (untrained_.empty()) return Status::Ok();
  Result<std::vector<job::JobResult>> results = objective_.Train(untrained_, promotion_);
  untrained_.clear();
  if (!results.ok()) return results.status();
  for (job::JobResult& result : *results) {
    queue_.push(Pending{now_ + result.seconds, submitted_++, std::move(result)});
  }
  return Status::Ok();
}

Result<std::vector<job::JobResult>> SimulatedExecutor::Wait(double /*timeout_seconds*/) {
  RUNGS_RETURN_IF_ERROR(TrainSubmitted());
  std::vector<job::JobResult> done;
  if (queue_.empty()) return done;
  now_ = queue_.top().finish;
  while (!queue_.empty() && queue_.top().finish == now_) {
    done.push_back(queue_.top().result);
    queue_.pop();
  }
  return done;
}

}  // namespace rungs::exec
