// Test helper: runs the built rungs binary (RUNGS_BINARY) or another program
// with arguments, no shell, and captures exit status, stdout and stderr.
// For tests only.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace rungs::cli {

struct RunResult {
  int exit_code = -1;   // valid when !signalled
  bool signalled = false;  // killed by a signal: a crash or abort
  std::string out;
  std::string err;
};

// A path of this test process's own: ctest runs tests in parallel processes.
inline std::string TestPath(const std::string& name) {
  return ::testing::TempDir() + "rungs_cli_" + std::to_string(::getpid()) + "_" + name;
}

// Removes this process's test files (models, data) once all tests ran.
class RemoveTestFiles : public ::testing::Environment {
 public:
  void TearDown() override {
    std::string prefix = "rungs_cli_" + std::to_string(::getpid()) + "_";
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(::testing::TempDir(), ignored)) {
      if (entry.path().filename().string().starts_with(prefix)) {
        std::filesystem::remove(entry.path(), ignored);
      }
    }
  }
};
inline ::testing::Environment* const kRemoveTestFiles =
    ::testing::AddGlobalTestEnvironment(new RemoveTestFiles);

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void WriteWholeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Runs `program` with `args`, stdin read from `stdin_path`.
inline RunResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                            const std::string& stdin_path = "/dev/null") {
  static int run_count = 0;
  std::string tag = std::to_string(run_count++);
  std::string out_path = TestPath("stdout_" + tag);
  std::string err_path = TestPath("stderr_" + tag);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  RunResult result;
  int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot run " << program;
    return result;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.signalled = WIFSIGNALED(status);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

inline RunResult RunRungs(const std::vector<std::string>& args,
                          const std::string& stdin_path = "/dev/null") {
  return RunProgram(RUNGS_BINARY, args, stdin_path);
}

}  // namespace rungs::cli
