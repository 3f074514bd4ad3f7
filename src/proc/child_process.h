// ChildProcess: a program run without a shell, its stdout read line by line.
//
// The program runs in a process group of its own, with stdin from /dev/null
// (or from a pipe that Send fills, for a program that is talked to), stdout
// into a pipe that ReadLines drains, stderr into a file, and the
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
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rungs::proc {

// How a program ended.
struct ExitStatus {
  int code = -1;    // exit status, or -1 when killed by a signal
  int signal = 0;   // the signal that killed it, or 0

  // "exited with status 3", "was killed by signal 9 (SIGKILL)".
  std::string Describe() const;
};

// Where the program's stdin comes from.
enum class Stdin {
  kNull,  // /dev/null: the program reads nothing
  kPipe,  // a pipe: what Send queues, written while ReadLines waits
};

class ChildProcess {
 public:
  // Longer stdout lines are cut into pieces of this many bytes.
  static constexpr size_t kMaxLine = 64 * 1024;
  // Bytes one ReadLines takes at most: a program that
  // prints faster than its lines are split must not hold the reader, nor
  // pile up its lines in memory.
  static constexpr size_t kMaxReadBytes = 1024 * 1024;

  // Starts argv[0] (looked up on PATH when it has no '/') with `argv`,
  // writing its stderr to `stderr_path` (created or truncated). Fails with a
  // message naming the program when it cannot be started: not found, not
  // executable, or the stderr file cannot be created.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const std::filesystem::path& stderr_path,
                                                     Stdin stdin_from = Stdin::kNull);

  // Kills the group (SIGKILL) if it still runs, and reaps the program.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Queues `bytes` for the program's stdin (Stdin::kPipe); ReadLines writes
  // them as the program reads. Never blocks. Fails when the program has no
  // stdin pipe or stopped reading it (closed it or ended): then nothing queued
  // is written any more.
  Status Send(std::string_view bytes);
  // False once the program can no longer be sent anything.
  bool stdin_open() const { return stdin_fd_ >= 0; }

  // Waits up to `wait` for stdout and returns the complete lines that came
  // (without the newline; a last line without one counts once stdout ends),
  // writing what Send queued meanwhile, as fast as the program reads it.
  // Returns early as soon as there is something, when stdout ends, or when
  // the program exits.
  std::vector<std::string> ReadLines(std::chrono::milliseconds wait);
  // False once the program closed its stdout (normally: it exited).
  bool stdout_open() const { return stdout_fd_ >= 0; }

  // The program's exit, once it has ended (then it has been reaped and its
  // group killed); nullopt while it runs. Does not block.
  std::optional<ExitStatus> TryReap();

  // Closes the program's stdin, sends SIGTERM to the group and waits up to
  // `grace` for the program to end (reading and discarding stdout
  // meanwhile), then sends SIGKILL.
  // Returns how it ended; calling it after the program ended just returns that.
  ExitStatus Stop(std::chrono::milliseconds grace);

  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int stdin_fd, int stdout_fd, int exit_fd)
      : pid_(pid), exit_fd_(exit_fd), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}
  // The complete lines now in the pipe, up to kMaxReadBytes (without
  // blocking); ends the stream on EOF or a read error.
  std::vector<std::string> ReadAvailable();
  // Writes what the stdin pipe takes now of the queued input (without
  // blocking); closes the pipe when the program stopped reading.
  void WriteQueued();
  void CloseStdin();
  bool Exited() const;  // without reaping
  ExitStatus Reap();    // kills what is left of the group, then waits for the program
  void CloseStdout();

  const pid_t pid_;
  const int exit_fd_;  // pidfd of the program, or -1 when the kernel has none
  int stdin_fd_;       // write end of the program's stdin pipe, or -1
  int stdout_fd_;
  std::string input_;        // queued for stdin; input_[0, input_sent_) is written
  size_t input_sent_ = 0;
  std::string partial_;                // stdout bytes after the last newline
  std::optional<ExitStatus> status_;   // set once reaped
};

// The last part of the text file at `path` (at most `max_bytes`, starting at
// a line when it was cut), without trailing blank space; "" when unreadable.
std::string FileTail(const std::filesystem::path& path, size_t max_bytes);

}  // namespace rungs::proc
