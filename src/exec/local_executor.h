// LocalExecutor: runs jobs on a pool of threads in this process.
//
// Each worker thread runs one job at a time through `run` (the trainable),
// so W workers train W trials at once (threads start as jobs need them, up
// to W), all sharing what the trainable shares
// (the parsed corpus, the checkpoint cache). An exception escaping `run` is a
// bug, but it still comes back as a failed result rather than killing the
// process. Submit/Wait/Now are called by one driver thread; CancelAll may be
// called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "exec/executor.h"

namespace rungs::exec {

class LocalExecutor : public Executor {
 public:
  // Runs one job; must return soon after `cancel` becomes true.
  using RunJob = std::function<job::JobResult(const job::Job&, const std::atomic<bool>* cancel)>;

  LocalExecutor(int workers, job::Promotion promotion, RunJob run);
  // Cancels running jobs and waits for the threads.
  ~LocalExecutor() override;

  int capacity() const override { return workers_; }
  job::Promotion promotion() const override { return promotion_; }
  Status Submit(const job::Job& job) override;
  Result<std::vector<job::JobResult>> Wait(double timeout_seconds) override;
  double Now() const override;

  // Asks every running job to stop, and every job not yet begun not to
  // begin. Final.
  void CancelAll() { cancel_.store(true); }
  // CancelAll once Now() reaches `seconds`, from a thread of its own, so
  // that it happens on time even while the driver thread is busy; a later
  // call moves the time (infinity: never). Driver thread only.
  void CancelAt(double seconds);

 private:
  void WorkerLoop();
  // The CancelAt thread: waits until cancel_at_, or until stopping_.
  void WatchCancelAt();

  const int workers_;
  const job::Promotion promotion_;
  const RunJob run_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<bool> cancel_{false};

  std::mutex mu_;
  std::condition_variable work_ready_;   // a job was queued, or stopping
  std::condition_variable result_ready_;
  std::condition_variable cancel_at_moved_;
  std::deque<job::Job> queue_;          // GUARDED_BY(mu_)
  std::vector<job::JobResult> done_;    // GUARDED_BY(mu_)
  int outstanding_ = 0;                   // GUARDED_BY(mu_): queued + running
  bool stopping_ = false;                 // GUARDED_BY(mu_)
  double cancel_at_ = 0;                  // GUARDED_BY(mu_): Now() seconds, with watch_
  std::vector<std::thread> threads_;  // the driver thread's (Submit, destructor)
  std::thread watch_;                 // the driver thread's (CancelAt, destructor)
};

}  // namespace rungs::exec
