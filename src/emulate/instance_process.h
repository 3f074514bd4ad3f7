// One running function instance: a program started without a shell in a
// process group of its own, with the environment and working directory it
// is given, stdin from /dev/null and stdout and stderr into one pipe (its
// log). The supervisor kills the group to end an instance, so anything the
// program started ends with it.
//
// Not thread-safe by itself: the supervisor calls Kill and ReadLogNow under
// its mutex and leaves the rest to the instance's supervisor thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace rungs::emulate {

// Whether `program` names an executable file, directly (with a '/') or on PATH.
bool IsExecutable(const std::string& program);

class InstanceProcess {
 public:
  // Starts argv[0] (looked up on PATH when it has no '/') with exactly the
  // variables of `env` ("NAME=value"), in `working_dir`. Fails with the
  // program's name and the reason when it cannot be started.
  static Result<std::unique_ptr<InstanceProcess>> Spawn(const std::vector<std::string>& argv,
                                                        const std::vector<std::string>& env,
                                                        const std::filesystem::path& working_dir);

  // Kills the group and reaps the program if that has not happened yet.
  ~InstanceProcess();
  InstanceProcess(const InstanceProcess&) = delete;
  InstanceProcess& operator=(const InstanceProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Waits up to `wait` for log output and returns what came ("" when none).
  // Sets `*ended` once the pipe is closed.
  std::string ReadLog(std::chrono::milliseconds wait, bool* ended);
  // Waits up to `wait` until log output is there to read (or the pipe closed).
  void WaitForLog(std::chrono::milliseconds wait) const;
  // What is in the pipe now, without waiting ("" when nothing); sets
  // `*ended` once the pipe is closed.
  std::string ReadLogNow(bool* ended);

  // The wait status once the program has ended, without reaping it (so its
  // pid, and the group's id, stay reserved until Reap); nullopt while it runs.
  std::optional<int> Exited() const;
  // Blocks until the program ends (not reaping it) and returns its wait status.
  int WaitExit() const;
  // SIGKILL to the whole group; harmless once it ended, until Reap.
  void Kill() const;
  // Kills what is left of the group and reaps the program.
  void Reap();

  // Peak resident memory of the program in MB (VmHWM), 0 when unknown.
  int PeakMemoryMb() const;

 private:
  InstanceProcess(pid_t pid, int log_fd) : pid_(pid), log_fd_(log_fd) {}

  const pid_t pid_;
  const int log_fd_;
  bool reaped_ = false;
};

}  // namespace rungs::emulate
