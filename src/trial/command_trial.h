// CommandTrial: any training program as a trainable.
//
// Each job runs the command (no shell: the argv template with the job's
// values filled in, see argv_template.h) and reads the program's stdout line
// by line. The program prints one metric line per epoch (metric_line.h); when
// a line reports epoch >= the job's epochs_to, that line's metric is the
// result and the program is stopped (SIGTERM, then SIGKILL after a grace
// period). Every trial has its own working folder, root/trial-<id>, where the
// program keeps its checkpoints so that a promoted trial resumes; a job that
// starts from epoch 0 gets that folder emptied first. Each job's stdout and
// stderr are copied to root/logs/job-<id>.out and .err.
// doc/command-trainable.md states the contract with the program.
//
// Thread-safe: Run may be called from many threads at once, for different
// trials (two jobs of one trial never run together: they share a folder).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "job/job.h"
#include "space/space.h"
#include "trial/argv_template.h"
#include "proc/child_process.h"

namespace rungs::trial {

struct CommandSpec {
  std::vector<std::string> argv;  // program and arguments, with placeholders
  std::filesystem::path root;     // trial folders and logs go under here (created)
  std::string metric = "value";   // the metric-line key that is the objective
  uint64_t seed = 0;              // {seed} is this plus the trial id
  std::chrono::milliseconds stop_grace{2000};  // SIGTERM to SIGKILL
};

class CommandTrial {
 public:
  // Checks the spec against `space` (which must outlive the trial) and
  // creates the root and log folders. Fails on an unknown or ambiguous
  // placeholder (naming it), an empty command, a metric name that cannot
  // appear in a metric line, or a root that cannot be created.
  static Result<CommandTrial> Create(const space::Space& space, CommandSpec spec);

  // Runs `job` to its epochs_to. The result is kOk with the metric of the
  // line that reached epochs_to; kDiverged when the metric is NaN or
  // infinite; kTimeout when `cancel` was set (the program is stopped); kFailed
  // when the program cannot start, exits first (the error has its exit
  // status and the end of its stderr), or prints a malformed metric line.
  // epochs_trained is the last epoch reported minus epochs_from (0 if none).
  // Never throws.
  job::JobResult Run(const job::Job& job, const std::atomic<bool>* cancel) const;

  std::filesystem::path WorkdirOf(uint32_t trial) const;
  std::filesystem::path StdoutLogOf(uint64_t job) const;
  std::filesystem::path StderrLogOf(uint64_t job) const;

 private:
  CommandTrial(const space::Space& space, CommandSpec spec, ArgvTemplate argv)
      : space_(&space), spec_(std::move(spec)), argv_(std::move(argv)) {}

  job::JobResult RunChecked(const job::Job& job, const std::atomic<bool>* cancel) const;
  Result<std::filesystem::path> PrepareWorkdir(const job::Job& job) const;
  // Reads the started program's stdout until the job is decided, then makes
  // sure the program is gone. `name` is the program, for messages.
  job::JobResult Follow(proc::ChildProcess& program, const std::string& name, const job::Job& job,
                        const std::atomic<bool>* cancel) const;

  const space::Space* space_;
  CommandSpec spec_;  // root made absolute
  ArgvTemplate argv_;
};

}  // namespace rungs::trial
