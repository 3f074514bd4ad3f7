#include "emulate/instance_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace rungs::emulate {
namespace {

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

bool IsExecutable(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = std::min(dirs.find(':', start), dirs.size());
    std::string dir = dirs.substr(start, colon - start);
    if (access(((dir.empty() ? "." : dir) + "/" + program).c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

Result<std::unique_ptr<InstanceProcess>> InstanceProcess::Spawn(
    const std::vector<std::string>& argv, const std::vector<std::string>& env,
    const std::filesystem::path& working_dir) {
  if (argv.empty()) return Fail("no instance command");
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Fail("cannot create a pipe for '" + argv[0] + "': " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, working_dir.c_str());

  // The emulator blocks or ignores signals it handles itself; an instance
  // starts with none blocked and the default action for each.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args = Pointers(argv);
  std::vector<char*> vars = Pointers(env);
  pid_t pid = 0;
  int error = posix_spawnp(&pid, argv[0].c_str(), &actions, &attributes, args.data(), vars.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(pipe_fds[1]);
  // Read without blocking: the supervisor drains the log under its mutex.
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  if (error != 0) {
    close(pipe_fds[0]);
    return Fail("cannot start '" + argv[0] + "' in " + working_dir.string() + ": " +
                std::strerror(error));
  }
  return std::unique_ptr<InstanceProcess>(new InstanceProcess(pid, pipe_fds[0]));
}

InstanceProcess::~InstanceProcess() {
  Reap();
  close(log_fd_);
}

std::string InstanceProcess::ReadLog(std::chrono::milliseconds wait, bool* ended) {
  WaitForLog(wait);
  return ReadLogNow(ended);
}

void InstanceProcess::WaitForLog(std::chrono::milliseconds wait) const {
  pollfd ready{log_fd_, POLLIN, 0};
  poll(&ready, 1, static_cast<int>(wait.count()));
}

std::string InstanceProcess::ReadLogNow(bool* ended) {
  char block[4096];
  ssize_t got = read(log_fd_, block, sizeof(block));
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return "";
  if (got <= 0) {
    *ended = true;  // the fd stays open until the end, so a concurrent poll never sees it reused
    return "";
  }
  return std::string(block, static_cast<size_t>(got));
}

std::optional<int> InstanceProcess::Exited() const {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
      info.si_pid == 0) {
    return std::nullopt;
  }
  return info.si_code == CLD_EXITED ? (info.si_status & 0xFF) << 8 : info.si_status & 0x7F;
}

int InstanceProcess::WaitExit() const {
  siginfo_t info{};
  while (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  return info.si_code == CLD_EXITED ? (info.si_status & 0xFF) << 8 : info.si_status & 0x7F;
}

void InstanceProcess::Kill() const {
  if (!reaped_) kill(-pid_, SIGKILL);
}

void InstanceProcess::Reap() {
  if (reaped_) return;
  kill(-pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

int InstanceProcess::PeakMemoryMb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      double kilobytes = 0;
      status >> kilobytes;
      return static_cast<int>(std::ceil(kilobytes / 1024));
    }
  }
  return 0;
}

}  // namespace rungs::emulate
