#include "tune/rung_counter.h"

#include <algorithm>
#include <cmath>

#include "exec/lambda_cost.h"

namespace rungs::tune {

RungCounter::RungCounter(const JournalView& view, double price_per_gb_second)
    : price_(price_per_gb_second) {
  for (const JobRow& row : view.jobs) {
    if (row.result) Count(row.job, *row.result);
  }
}

void RungCounter::Started(const job::Job& job, double now) {
  counts_.running[job.epochs_to]++;
  running_[job.id] = {job, now};
  running_job_of_trial_[job.trial] = job.id;
}

void RungCounter::Finished(const job::JobResult& r) {
  auto it = running_.find(r.job);
  if (it == running_.end()) return;
  const job::Job job = it->second.job;
  running_.erase(it);
  if (auto of_trial = running_job_of_trial_.find(job.trial);
      of_trial != running_job_of_trial_.end() && of_trial->second == job.id) {
    running_job_of_trial_.erase(of_trial);
  }
  if (--counts_.running[job.epochs_to] == 0) counts_.running.erase(job.epochs_to);
  Count(job, r);
}

void RungCounter::Count(const job::Job& job, const job::JobResult& r) {
  const int epochs = job.epochs_to;
  counts_.finished[epochs]++;
  counts_.epochs_trained += r.epochs_trained;
  counts_.gb_seconds += exec::GbSeconds(r.cost);
  counts_.dollars = counts_.gb_seconds * price_;
  if (r.outcome == job::Outcome::kOk) {
    pace_of_trial_[r.trial].Add(job, r);
    if (std::isfinite(r.metric)) {  // as JournalView::Finished
      scored_.push_back({epochs, r.metric});
      scored_trials_.push_back(r.trial);
    }
    ranked_ = false;
  }
}

void RungCounter::Rank(bool maximize, int64_t validation_rows, size_t count) {
  const auto arguments = std::make_tuple(maximize, validation_rows, count);
  if (ranked_ && ranked_for_ == arguments) return;
  ranked_ = true;
  ranked_for_ = arguments;
  candidates_ = {};
  best_trial_.reset();
  for (size_t i : BestOfEachTrial(scored_, scored_trials_, maximize, validation_rows, count)) {
    const uint32_t trial = scored_trials_[i];
    candidates_.paces.push_back(pace_of_trial_.at(trial));
    if (!best_trial_) best_trial_ = trial;
  }
}

CandidateSeconds RungCounter::SecondsOfCandidates(bool maximize, int64_t validation_rows,
                                                  size_t count) {
  Rank(maximize, validation_rows, count);
  return candidates_;
}

std::optional<double> RungCounter::BestsRunningJobEndsAt(bool maximize, int64_t validation_rows,
                                                         size_t count) {
  Rank(maximize, validation_rows, count);
  if (!best_trial_) return std::nullopt;
  auto job = running_job_of_trial_.find(*best_trial_);
  if (job == running_job_of_trial_.end()) return std::nullopt;
  const Running& running = running_.at(job->second);
  const int epochs = running.job.epochs_to - running.job.epochs_from;
  return running.started + pace_of_trial_.at(*best_trial_).SecondsFor(epochs);
}

double RungCounter::SecondsOf(uint32_t trial) const {
  auto it = pace_of_trial_.find(trial);
  return it == pace_of_trial_.end() ? 0 : it->second.Seconds();
}

Status CountingExecutor::Submit(const job::Job& job) {
  RUNGS_RETURN_IF_ERROR(inner_.Submit(job));
  counter_.Started(job, inner_.Now());
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
