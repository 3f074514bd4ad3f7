// Test helper: runs the built rungs binary (RUNGS_BINARY) or another program
// with arguments, no shell, and captures exit status, stdout and stderr (or
// starts it in the background); or a shell command, capturing its stdout.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "testing/files.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace rungs::testing {

struct RunResult {
  int exit_code = -1;   // valid when !signalled
  bool signalled = false;  // killed by a signal: a crash or abort
  std::string out;
  std::string err;
};

// Starts `program` with `args`, no shell: stdin read from `stdin_path`,
// stdout and stderr written to the files given. Returns its pid (for the
// caller to wait for or kill), or -1 when it cannot start.
inline pid_t StartProgram(const std::string& program, const std::vector<std::string>& args,
                          const std::string& out_path, const std::string& err_path,
                          const std::string& stdin_path = "/dev/null") {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot run " << program;
    return -1;
  }
  return pid;
}

// Runs `program` with `args` to its end, stdin read from `stdin_path`.
inline RunResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                            const std::string& stdin_path = "/dev/null") {
  static int run_count = 0;
  std::string tag = std::to_string(run_count++);
  std::string out_path = TestPath("stdout_" + tag);
  std::string err_path = TestPath("stderr_" + tag);
  RunResult result;
  pid_t pid = StartProgram(program, args, out_path, err_path, stdin_path);
  if (pid < 0) return result;
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.signalled = WIFSIGNALED(status);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

inline RunResult RunRungs(const std::vector<std::string>& args,
                          const std::string& stdin_path = "/dev/null") {
  return RunProgram(RUNGS_BINARY, args, stdin_path);
}

// Runs a shell command; returns its stdout and sets `status` to its exit code.
inline std::string RunCommand(const std::string& command, int& status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return output;
  }
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  status = pclose(pipe);
  return output;
}

}  // namespace rungs::testing
