// Executor: runs the jobs the scheduler hands out and returns their results.
//
// One interface for local threads, AWS Lambda and the simulator, so the
// experiment loop (driver/experiment_loop.h) never knows which one it drives.
// An executor makes no scheduling decisions: it runs what it is given.
// Not thread-safe: one driver thread calls every method.
#pragma once

#include <vector>

#include "base/status.h"
#include "job/job.h"

namespace rungs::exec {

class Executor {
 public:
  virtual ~Executor() = default;

  // How many jobs may run at once; the driver never submits more.
  virtual int capacity() const = 0;

  // How this executor continues a promoted trial: from its checkpoint
  // (kResume) or retrained from scratch (kRestart, stateless workers).
  virtual job::Promotion promotion() const = 0;

  // Starts `job`. Fails (and runs nothing) when capacity() jobs already run
  // or the job cannot be sent; a failure of the job itself comes back from
  // Wait as a result with a non-ok outcome instead.
  virtual Status Submit(const job::Job& job) = 0;

  // Blocks until at least one submitted job has finished, or until
  // `timeout_seconds` of wall time passed, and returns every result that is
  // ready (empty after a timeout or when nothing runs). A simulator advances
  // its virtual clock to the next completion instead of blocking.
  virtual Result<std::vector<job::JobResult>> Wait(double timeout_seconds) = 0;

  // Seconds since the executor started: virtual time in a simulator, wall
  // time otherwise.
  virtual double Now() const = 0;
};

}  // namespace rungs::exec
