// Objective: what training a job would give, for the SimulatedExecutor.
//
// A simulated worker trains nothing: it asks an objective for the job's
// result (the metric at epochs_to, or a failure) and for how long the job
// would have taken, and the executor moves its virtual clock by that. The
// synthetic objective (synthetic_objective.h) computes learning curves; a
// blackbox (blackbox_objective.h) asks a program, such as a surrogate of a
// published benchmark. Not thread-safe: the executor's one driver thread
// calls it.
#pragma once

#include <vector>

#include "base/status.h"
#include "job/job.h"

namespace rungs::exec {

class Objective {
 public:
  virtual ~Objective() = default;

  // One result per job, in order: its outcome, metric, epochs_trained and
  // `seconds`, the virtual time the job takes. With kResume a job trains
  // epochs_from + 1 .. epochs_to; with kRestart it retrains 1 .. epochs_to.
  // The jobs come in one batch so that an objective behind a process answers
  // them in one exchange. An error means the objective itself broke (not a
  // failed job): the simulation cannot go on.
  virtual Result<std::vector<job::JobResult>> Train(const std::vector<job::Job>& jobs,
                                                      job::Promotion promotion) = 0;
};

}  // namespace rungs::exec
