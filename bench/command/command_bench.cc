// command_bench: the cost of running a training program through CommandTrial
// (spawn, stdout reading, metric parsing, logs, stop, reap) against running
// the same argv alone (posix_spawn, stdout to /dev/null, waitpid), both in
// this invocation, alternating, so that machine load hits both alike.
//
//   command_bench [repetitions]
//
// Prints, per program, the mean wall seconds of each side and their ratio.
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "trial/command_trial.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The program alone: what any runner must pay at least.
double RunAlone(const std::vector<std::string>& argv) {
  auto start = Clock::now();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) return -1;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  return Since(start);
}

struct Case {
  std::string name;
  std::vector<std::string> argv_template;  // for CommandTrial
  std::vector<std::string> argv_alone;     // the same job, filled in by hand
  int epochs;
};

int Bench(const Case& c, const rungs::space::Space& space, const fs::path& root, int reps) {
  rungs::trial::CommandSpec spec;
  spec.argv = c.argv_template;
  spec.root = root / c.name;
  auto trial = rungs::trial::CommandTrial::Create(space, spec);
  if (!trial.ok()) {
    std::fprintf(stderr, "%s\n", trial.message().c_str());
    return 1;
  }
  double alone = 0, through = 0;
  for (int r = 0; r < reps; ++r) {
    fs::create_directories(root / "alone");
    alone += RunAlone(c.argv_alone);
    rungs::job::Job job;
    job.id = static_cast<uint64_t>(r + 1);
    job.epochs_to = c.epochs;
    job.config = {0.01, 1e-6};
    rungs::job::JobResult result = trial->Run(job, nullptr);
    if (result.outcome != rungs::job::Outcome::kOk) {
      std::fprintf(stderr, "%s: %s\n", c.name.c_str(), result.error.c_str());
      return 1;
    }
    through += result.seconds;
  }
  std::printf("%-22s alone %.4f s  command trainable %.4f s  ratio %.3f  (%d runs, %d epochs)\n",
              c.name.c_str(), alone / reps, through / reps, through / alone, reps, c.epochs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 20;
  auto space = rungs::space::Space::FromToml(
      "[params.lr]\ntype = \"float\"\nmin = 0.001\nmax = 3.0\nscale = \"log\"\n"
      "[params.l2]\ntype = \"float\"\nmin = 1e-6\nmax = 0.1\nscale = \"log\"\n", "bench");
  if (!space.ok()) return 1;
  fs::path root = fs::temp_directory_path() / ("command_bench_" + std::to_string(getpid()));
  fs::create_directories(root);
  fs::path script = root / "epochs.sh";
  std::ofstream(script) << "#!/bin/sh\ne=0\nwhile [ $e -lt $1 ]; do e=$((e+1)); "
                           "echo \"rungs-metric epoch=$e value=0.5\"; done\n";
  fs::permissions(script, fs::perms::owner_all);
  std::string toy = RUNGS_SOURCE_DIR "/examples/toy_trainer.py";
  std::string alone_dir = (root / "alone").string();
  std::vector<Case> cases = {
      {"shell, 100 epochs", {script.string(), "{epochs_to}"}, {script.string(), "100"}, 100},
      {"toy_trainer, 5 epochs",
       {"/usr/bin/python3", toy, "--lr", "{lr}", "--epochs-to", "{epochs_to}", "--workdir",
        "{workdir}"},
       {"/usr/bin/python3", toy, "--lr", "0.01", "--epochs-to", "5", "--workdir", alone_dir},
       5},
  };
  int rc = 0;
  for (const Case& c : cases) rc |= Bench(c, *space, root, reps);
  fs::remove_all(root);
  return rc;
}
