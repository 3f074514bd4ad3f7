// SimulatedExecutor: runs jobs on a virtual clock against an Objective
// (exec/objective.h), so thousands of workers and a million jobs take
// seconds of real time.
//
// Submit queues a job; Wait first has the objective train every job
// submitted since the last Wait, in one batch, and schedules each to finish
// at its submission time plus the seconds the objective gave; then it jumps
// the clock to the earliest finishing time and returns every job finishing
// then, in submission order. With kResume a promoted job trains only
// epochs_to - epochs_from epochs; with kRestart it retrains all epochs_to.
// Not thread-safe (one driver thread), like every Executor.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "exec/executor.h"
#include "exec/objective.h"

namespace rungs::exec {

class SimulatedExecutor : public Executor {
 public:
  // `objective` must outlive the executor.
  SimulatedExecutor(Objective& objective, int capacity, job::Promotion promotion);

  int capacity() const override { return capacity_; }
  job::Promotion promotion() const override { return promotion_; }
  Status Submit(const job::Job& job) override;
  // Never blocks; the timeout is ignored (virtual time has no wall clock).
  // Fails when the objective does (a broken blackbox).
  Result<std::vector<job::JobResult>> Wait(double timeout_seconds) override;
  double Now() const override { return now_; }

  int running() const { return int(untrained_.size() + queue_.size()); }

 private:
  struct Pending {
    double finish;
    uint64_t order;  // submission order breaks ties deterministically
    job::JobResult result;
  };
  struct Later {
    bool operator()(const Pending& a, const Pending& b) const {
      return a.finish != b.finish ? a.finish > b.finish : a.order > b.order;
    }
  };

  // Has the objective train the submitted jobs and schedules their ends.
  Status TrainSubmitted();

  Objective& objective_;
  const int capacity_;
  const job::Promotion promotion_;
  double now_ = 0;
  uint64_t submitted_ = 0;
  std::vector<job::Job> untrained_;  // submitted at now_, not yet trained
  std::priority_queue<Pending, std::vector<Pending>, Later> queue_;
};

}  // namespace rungs::exec
