#include "proc/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <system_error>
#include <thread>

extern char** environ;

namespace rungs::proc {
namespace {

std::string ErrnoText(int err) { return std::system_category().message(err); }

// Signals a program should meet with their default action even when this
// process ignores or handles them (an ignored SIGPIPE survives exec).
sigset_t DefaultSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2}) {
    sigaddset(&set, s);
  }
  return set;
}

// posix_spawn's C structures, destroyed on every path out.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// `fd` moved above 0..2 if it landed there (this process runs with a standard
// stream closed), so that neither setting up the program's 0..2 nor this
// process reopening its own can clobber it.
int AboveStdio(int fd) {
  if (fd < 0 || fd > STDERR_FILENO) return fd;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  ::close(fd);
  return moved;
}

std::string WhyNotStarted(const std::string& program, int err) {
  std::string why = "cannot start '" + program + "': " + ErrnoText(err);
  if (err == ENOENT && program.find('/') == std::string::npos) why += " (not found on PATH)";
  if (err == EACCES) why += " (is it an executable file?)";
  return why;
}

ExitStatus FromWaitStatus(int status) {
  if (WIFEXITED(status)) return ExitStatus{WEXITSTATUS(status), 0};
  if (WIFSIGNALED(status)) return ExitStatus{-1, WTERMSIG(status)};
  return ExitStatus{};
}

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
}

// A close-on-exec pipe with both ends above 0..2; false (nothing left open)
// when it cannot be made.
bool MakePipe(int ends[2]) {
  if (::pipe2(ends, O_CLOEXEC) != 0) return false;
  ends[0] = AboveStdio(ends[0]);
  ends[1] = AboveStdio(ends[1]);
  if (ends[0] >= 0 && ends[1] >= 0) return true;
  CloseAll({ends[0], ends[1]});
  return false;
}

}  // namespace

std::string ExitStatus::Describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return "was killed by signal " + std::to_string(signal) +
           (name ? " (SIG" + std::string(name) + ")" : "");
  }
  if (code < 0) return "ended in an unknown way";
  return "exited with status " + std::to_string(code);
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const std::filesystem::path& stderr_path,
    Stdin stdin_from) {
  if (argv.empty() || argv[0].empty()) return Fail("cannot start a program with no name");
  int err_fd =
      AboveStdio(::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (err_fd < 0) {
    return Fail("cannot create " + stderr_path.string() + " for the program's stderr: " +
                ErrnoText(errno));
  }
  int out[2] = {-1, -1};
  int in[2] = {-1, -1};
  if (!MakePipe(out) || (stdin_from == Stdin::kPipe && !MakePipe(in))) {
    int err = errno;
    CloseAll({err_fd, out[0], out[1]});
    return Fail("cannot start '" + argv[0] + "': pipe: " + ErrnoText(err));
  }
  SpawnSetup setup;
  if (stdin_from == Stdin::kPipe) {
    posix_spawn_file_actions_adddup2(&setup.actions, in[0], STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&setup.actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, err_fd, STDERR_FILENO);
  // Descriptors someone opened without close-on-exec stay out of the program too.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults = DefaultSignals();
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int err = posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  CloseAll({out[1], in[0], err_fd});
  if (err != 0) {
    CloseAll({out[0], in[1]});
    return Fail(WhyNotStarted(argv[0], err));
  }
  for (int fd : {out[0], in[1]}) {
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  // Readable once the program exits, so waits end at once; -1 on kernels
  // before 5.3, where waits fall back to short sleeps.
  // (The raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.)
  int exit_fd = AboveStdio(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, in[1], out[0], exit_fd));
}

ChildProcess::~ChildProcess() {
  if (!status_) Stop(std::chrono::milliseconds(0));
  CloseStdin();
  CloseStdout();
  if (exit_fd_ >= 0) ::close(exit_fd_);
}

void ChildProcess::CloseStdout() {
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
}

void ChildProcess::CloseStdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
  input_.clear();
  input_sent_ = 0;
}

Status ChildProcess::Send(std::string_view bytes) {
  if (stdin_fd_ < 0) return Fail("the program does not read its stdin any more");
  if (input_sent_ == input_.size()) {
    input_.clear();
    input_sent_ = 0;
  }
  input_.append(bytes);
  return Status::Ok();
}

void ChildProcess::WriteQueued() {
  // A program that closed its stdin raises SIGPIPE in the writer: block it
  // around the write and take back the one the write raised, so this
  // process never dies of it (nor needs to ignore it process-wide).
  sigset_t pipe_signal, saved;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &saved);
  bool broken = false;
  while (input_sent_ < input_.size()) {
    ssize_t n = ::write(stdin_fd_, input_.data() + input_sent_, input_.size() - input_sent_);
    if (n > 0) {
      input_sent_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      broken = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
      break;
    }
  }
  if (broken) {
    const timespec now{};
    sigtimedwait(&pipe_signal, nullptr, &now);
    CloseStdin();
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

std::vector<std::string> ChildProcess::ReadLines(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    if (stdout_fd_ >= 0) fds[n++] = pollfd{stdout_fd_, POLLIN, 0};
    // Once the exit was seen the pidfd stays readable: leave it out, or this would spin.
    if (exit_fd_ >= 0 && !status_) fds[n++] = pollfd{exit_fd_, POLLIN, 0};
    const nfds_t watched = n;  // what ends the wait; stdin only keeps it busy
    if (stdin_fd_ >= 0 && input_sent_ < input_.size()) fds[n++] = pollfd{stdin_fd_, POLLOUT, 0};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline -
                                                             std::chrono::steady_clock::now());
    left = std::max(left, std::chrono::milliseconds(0));
    if (n == 0) {
      std::this_thread::sleep_for(left);
      return {};
    }
    if (::poll(fds.data(), n, static_cast<int>(left.count())) <= 0) return {};
    if (n > watched && fds[watched].revents != 0) WriteQueued();
    bool woken = false;
    for (nfds_t i = 0; i < watched; ++i) woken = woken || fds[i].revents != 0;
    if (woken) return stdout_fd_ >= 0 ? ReadAvailable() : std::vector<std::string>{};
  }
}

std::vector<std::string> ChildProcess::ReadAvailable() {
  std::vector<std::string> lines;
  char buf[16384];
  for (size_t taken = 0; taken < kMaxReadBytes;) {
    ssize_t n = ::read(stdout_fd_, buf, std::min(sizeof buf, kMaxReadBytes - taken));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      CloseStdout();  // a read error ends the stream like EOF
    }
    if (n <= 0) {
      if (n == 0) CloseStdout();
      if (!partial_.empty()) lines.push_back(std::move(partial_));
      partial_.clear();
      break;
    }
    taken += size_t(n);
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        lines.push_back(std::move(partial_));
        partial_.clear();
      } else {
        partial_ += buf[i];
        if (partial_.size() == kMaxLine) {
          lines.push_back(std::move(partial_));
          partial_.clear();
        }
      }
    }
  }
  return lines;
}

bool ChildProcess::Exited() const {
  siginfo_t info{};
  // WNOWAIT leaves the program a zombie, so its pid (and group id) cannot be
  // reused before Reap kills the rest of the group.
  int rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  if (rc != 0) return errno == ECHILD;  // someone else reaped it: it is gone
  return info.si_pid == pid_;
}

ExitStatus ChildProcess::Reap() {
  ::kill(-pid_, SIGKILL);  // whatever the program left running in its group
  int status = 0;
  pid_t rc;
  do {
    rc = ::waitpid(pid_, &status, 0);
  } while (rc < 0 && errno == EINTR);
  status_ = rc == pid_ ? FromWaitStatus(status) : ExitStatus{};
  return *status_;
}

std::optional<ExitStatus> ChildProcess::TryReap() {
  if (status_) return status_;
  if (!Exited()) return std::nullopt;
  return Reap();
}

ExitStatus ChildProcess::Stop(std::chrono::milliseconds grace) {
  CloseStdin();
  if (status_) return *status_;
  ::kill(-pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!Exited()) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    // Reading on keeps a program that is blocked on a full pipe from stalling.
    ReadLines(exit_fd_ >= 0 ? left : std::min(left, std::chrono::milliseconds(5)));
  }
  return Reap();
}

std::string FileTail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                             ? size - static_cast<std::streamoff>(max_bytes)
                             : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (start > 0) {
    size_t newline = text.find('\n');
    text.erase(0, newline == std::string::npos ? 0 : newline + 1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

}  // namespace rungs::proc
