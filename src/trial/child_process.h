// ChildProcess: a program run without a shell, its stdout read line by line.
//
// The program runs in a process group of its own, with stdin from /dev/null,
// stdout into a pipe that ReadLines drains, stderr into a file, and the
// default action for the usual signals (even when this process ignores
// SIGPIPE), so that stopping it stops everything it started. Once it ends,
// whatever is left of its group is killed and it is reaped: no zombies.
//
// One thread uses a ChildProcess at a time; different ChildProcess objects
// may be used from different threads at once (every descriptor is opened
// close-on-exec, so one program never inherits another's pipe).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace rungs::trial {

// How a program ended.
struct ExitStatus {
  int code = -1;    // exit status, or -1 when killed by a signal
  int signal = 0;   // the signal that killed it, or 0

  // "exited with status 3", "was killed by signal 9 (SIGKILL)".
  std::string Describe() const;
};

class ChildProcess {
 public:
  // Longer stdout lines are cut into pieces of this many bytes.
  static constexpr size_t kMaxLine = 64 * 1024;

  // Starts argv[0] (looked up on PATH when it has no '/') with `argv`,
  // writing its stderr to `stderr_path` (created or truncated). Fails with a
  // message naming the program when it cannot be started: not found, not
  // executable, or the stderr file cannot be created.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const std::filesystem::path& stderr_path);

  // Kills the group (SIGKILL) if it still runs, and reaps the program.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits up to `wait` for stdout and returns the complete lines that came
  // (without the newline; a last line without one counts once stdout ends).
  // Returns early as soon as there is something, when stdout ends, or when
  // the program exits.
  std::vector<std::string> ReadLines(std::chrono::milliseconds wait);
  // False once the program closed its stdout (normally: it exited).
  bool stdout_open() const { return stdout_fd_ >= 0; }

  // The program's exit, once it has ended (then it has been reaped and its
  // group killed); nullopt while it runs. Does not block.
  std::optional<ExitStatus> TryReap();

  // Sends SIGTERM to the group and waits up to `grace` for the program to
  // end (reading and discarding stdout meanwhile), then sends SIGKILL.
  // Returns how it ended; calling it after the program ended just returns that.
  ExitStatus Stop(std::chrono::milliseconds grace);

  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int stdout_fd, int exit_fd)
      : pid_(pid), exit_fd_(exit_fd), stdout_fd_(stdout_fd) {}
  // The complete lines now in the pipe (without blocking); ends the stream
  // on EOF or a read error.
  std::vector<std::string> ReadAvailable();
  bool Exited() const;  // without reaping
  ExitStatus Reap();    // kills what is left of the group, then waits for the program
  void CloseStdout();

  const pid_t pid_;
  const int exit_fd_;  // pidfd of the program, or -1 when the kernel has none
  int stdout_fd_;
  std::string partial_;                // stdout bytes after the last newline
  std::optional<ExitStatus> status_;   // set once reaped
};

// The last part of the text file at `path` (at most `max_bytes`, starting at
// a line when it was cut), without trailing blank space; "" when unreadable.
std::string FileTail(const std::filesystem::path& path, size_t max_bytes);

}  // namespace rungs::trial
