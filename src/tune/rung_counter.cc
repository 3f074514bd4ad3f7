#include "tune/rung_counter.h"

#include <algorithm>

#include "exec/lambda_cost.h"

namespace rungs::tune {

RungCounter::RungCounter(const JournalView& view, double price_per_gb_second)
    : price_(price_per_gb_second) {
  for (const JobRow& row : view.jobs) {
    if (row.result) Count(row.job.epochs_to, *row.result);
  }
}

void RungCounter::Started(const job::Job& job) {
  counts_.running[job.epochs_to]++;
  epochs_of_running_[job.id] = job.epochs_to;
}

void RungCounter::Finished(const job::JobResult& r) {
  auto it = epochs_of_running_.find(r.job);
  if (it == epochs_of_running_.end()) return;
  int epochs = it->second;
  epochs_of_running_.erase(it);
  if (--counts_.running[epochs] == 0) counts_.running.erase(epochs);
  Count(epochs, r);
}

void RungCounter::Count(int epochs, const job::JobResult& r) {
  counts_.finished[epochs]++;
  counts_.epochs_trained += r.epochs_trained;
  counts_.gb_seconds += exec::GbSeconds(r.cost);
  counts_.dollars = counts_.gb_seconds * price_;
  if (r.outcome == job::Outcome::kOk) {
    double& seconds = seconds_of_trial_[r.trial];
    seconds += r.seconds;
    most_seconds_ = std::max(most_seconds_, seconds);
  }
}

double RungCounter::SecondsOf(uint32_t trial) const {
  auto it = seconds_of_trial_.find(trial);
  return it == seconds_of_trial_.end() ? 0 : it->second;
}

Status CountingExecutor::Submit(const job::Job& job) {
  RUNGS_RETURN_IF_ERROR(inner_.Submit(job));
  counter_.Started(job);
  return Status::Ok();
}

Result<std::vector<job::JobResult>> CountingExecutor::Wait(double timeout_seconds) {
  Result<std::vector<job::JobResult>> results = inner_.Wait(timeout_seconds);
  if (results.ok()) {
    for (const job::JobResult& r : *results) counter_.Finished(r);
  }
  return results;
}

}  // namespace rungs::tune
