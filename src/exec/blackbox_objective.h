// BlackboxObjective: an Objective answered by a long-lived program that
// speaks the blackbox protocol (blackbox_protocol.h, doc/blackbox-protocol.md)
// on its stdin and stdout, such as a surrogate or a table of a published HPO
// benchmark (bench/lcbench/). The simulated workers then run on the
// program's training seconds and see its metrics.
//
// The program is started once, without a shell, and asked per batch: every
// request line of the batch is written first (as fast as the program reads),
// then one answer line per request is read, in order. A program that breaks
// the protocol (a line that is not JSON, a missing or wrong field, a wrong
// id, a number that is not finite), exits, or is silent for longer than the
// timeout is an error naming the program, its stdout line and the field, and
// quoting the end of its stderr; the program is then stopped, and every
// later call fails the same way. Never blocks longer than the timeout.
// Not thread-safe: one driver thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "exec/blackbox_protocol.h"
#include "exec/objective.h"
#include "space/space.h"
#include "proc/child_process.h"

namespace rungs::exec {

struct BlackboxOptions {
  std::vector<std::string> argv;       // the program and its arguments (no shell)
  std::filesystem::path stderr_path;   // where its stderr goes; removed at the end
                                       // unless it broke the protocol
  std::chrono::milliseconds timeout{60000};  // longest wait for the next answer
};

// What the exchanges with the program cost, for reports.
struct BlackboxStats {
  uint64_t requests = 0;   // request lines sent (one per job)
  uint64_t exchanges = 0;  // batches: send them all, then read every answer
  double seconds = 0;      // wall time spent in exchanges
};

class BlackboxObjective : public Objective {
 public:
  // Starts the program. Configurations are sent by the names of `space`.
  // Fails naming the program when it cannot be started.
  static Result<std::unique_ptr<BlackboxObjective>> Start(space::Space space,
                                                          BlackboxOptions options);
  // Stops the program (SIGTERM, then SIGKILL after a second).
  ~BlackboxObjective() override;

  // Objective: asks for epoch epochs_to of each job and, when it resumes
  // from a checkpoint, epochs_from too: the job's metric is the one at
  // epochs_to, its seconds the difference of the two cumulative times (never
  // negative), or the time at epochs_to when it trains from scratch.
  Result<std::vector<job::JobResult>> Train(const std::vector<job::Job>& jobs,
                                              job::Promotion promotion) override;

  // Asks the program `queries` in one exchange; one answer per query, in order.
  Result<std::vector<BlackboxAnswer>> Ask(const std::vector<BlackboxQuery>& queries);

  const BlackboxStats& stats() const { return stats_; }

 private:
  BlackboxObjective(space::Space space, BlackboxOptions options,
                    std::unique_ptr<proc::ChildProcess> child);
  Result<std::vector<BlackboxAnswer>> Exchange(const std::vector<BlackboxQuery>& queries);
  // An error about the program: "blackbox 'prog args': <problem>", with the
  // end of its stderr when there is any.
  Error ProgramError(const std::string& problem) const;
  // The program ended or stopped reading: how, and since when.
  Error Ended(uint64_t id);

  const space::Space space_;
  const BlackboxOptions options_;
  std::unique_ptr<proc::ChildProcess> child_;
  uint64_t next_id_ = 1;
  uint64_t stdout_lines_ = 0;  // lines read so far, for messages
  Status broken_;              // the first error; every later call returns it
  BlackboxStats stats_;
};

}  // namespace rungs::exec
