#include "exec/simulated_executor.h"

#include <string>

namespace rungs::exec {

SimulatedExecutor::SimulatedExecutor(const SyntheticObjective& objective, int capacity,
                                     job::Promotion promotion)
    : objective_(objective), capacity_(capacity), promotion_(promotion) {}

Status SimulatedExecutor::Submit(const job::Job& job) {
  if (running() >= capacity_) {
    return Fail("simulated executor: all " + std::to_string(capacity_) +
                " workers are busy; job " + std::to_string(job.id) + " refused");
  }
  int from = promotion_ == job::Promotion::kResume ? job.epochs_from : 0;
  int epochs = job.epochs_to - from;
  double seconds = objective_.options().startup_seconds +
                   epochs * objective_.SecondsPerEpoch(job.config);

  job::JobResult result;
  result.job = job.id;
  result.trial = job.trial;
  result.rung = job.rung;
  if (objective_.Fails(job.id)) {
    // A failure strikes halfway through: half the time, no usable metric.
    seconds /= 2;
    result.outcome = job::Outcome::kFailed;
    result.epochs_trained = epochs / 2;
    result.error = "simulated worker failure";
  } else {
    result.metric = objective_.Metric(job.config, job.trial, job.epochs_to);
    result.epochs_trained = epochs;
  }
  result.seconds = seconds;
  queue_.push(Pending{now_ + seconds, submitted_++, std::move(result)});
  return Status::Ok();
}

Result<std::vector<job::JobResult>> SimulatedExecutor::Wait(double /*timeout_seconds*/) {
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
