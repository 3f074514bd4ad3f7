// SimulatedExecutor: runs jobs on a virtual clock against a
// SyntheticObjective, so thousands of workers and a million jobs take
// seconds of real time.
//
// Submit computes the job's result and finishing time at once (now +
// startup + epochs trained * seconds per epoch) and queues it; Wait jumps the
// clock to the earliest finishing time and returns every job finishing then,
// in submission order. With kResume a promoted job trains only
// epochs_to - epochs_from epochs; with kRestart it retrains all epochs_to.
// Not thread-safe (one driver thread), like every Executor.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "exec/executor.h"
#include "exec/synthetic_objective.h"

namespace rungs::exec {

class SimulatedExecutor : public Executor {
 public:
  // `objective` must outlive the executor.
  SimulatedExecutor(const SyntheticObjective& objective, int capacity,
                    job::Promotion promotion);

  int capacity() const override { return capacity_; }
  job::Promotion promotion() const override { return promotion_; }
  Status Submit(const job::Job& job) override;
  // Never blocks; the timeout is ignored (virtual time has no wall clock).
  Result<std::vector<job::JobResult>> Wait(double timeout_seconds) override;
  double Now() const override { return now_; }

  int running() const { return int(queue_.size()); }

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

  const SyntheticObjective& objective_;
  const int capacity_;
  const job::Promotion promotion_;
  double now_ = 0;
  uint64_t submitted_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, Later> queue_;
};

}  // namespace rungs::exec
