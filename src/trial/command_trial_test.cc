#include "trial/command_trial.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

#include "trial/command_line.h"
#include "testing/temp_dir.h"

namespace rungs::trial {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The state letter of `pid` in /proc (R, S, Z, ...), or '-' when it is gone.
char ProcessState(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() ? stat[paren + 2] : '-';
}

// True when `pid` stops running within a second (a SIGKILL sent to a process
// that is not our child takes effect asynchronously); a zombie some other
// parent has yet to reap does not run.
bool StopsRunning(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    char state = ProcessState(pid);
    if (state == '-' || state == 'Z' || state == 'X') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

class CommandTrialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    fs::create_directories(dir_ / "bin");
    auto space = space::Space::FromToml(ReadFile(RUNGS_SOURCE_DIR "/examples/toy_space.toml"),
                                        "examples/toy_space.toml");
    ASSERT_TRUE(space.ok()) << space.message();
    space_ = std::make_unique<space::Space>(*space);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes an executable shell script; rungs runs it directly (its #! line
  // picks the interpreter), never through a shell of its own.
  std::string Script(const std::string& name, const std::string& body) {
    fs::path path = dir_ / "bin" / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, fs::perms::owner_all);
    return path.string();
  }

  CommandTrial Trial(std::vector<std::string> argv, std::string metric = "value") {
    CommandSpec spec;
    spec.argv = std::move(argv);
    spec.root = dir_ / "runs";
    spec.metric = std::move(metric);
    spec.seed = 100;
    spec.stop_grace = std::chrono::milliseconds(300);
    Result<CommandTrial> trial = CommandTrial::Create(*space_, spec);
    EXPECT_TRUE(trial.ok()) << trial.message();
    return std::move(trial).value();
  }

  CommandTrial ToyTrainer(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {
        "/usr/bin/python3", RUNGS_SOURCE_DIR "/examples/toy_trainer.py",
        "--lr", "{lr}", "--l2", "{l2}", "--epochs-from", "{epochs_from}",
        "--epochs-to", "{epochs_to}", "--workdir", "{workdir}", "--seed", "5"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Trial(argv, "loss");
  }

  job::Job Job(uint32_t trial, int from, int to) {
    job::Job job;
    job.id = next_id_++;
    job.trial = trial;
    job.rung = from == 0 ? 0 : 1;
    job.epochs_from = from;
    job.epochs_to = to;
    job.config = {0.01, 1e-6};  // lr, l2
    return job;
  }

  fs::path dir_;
  std::unique_ptr<space::Space> space_;
  uint64_t next_id_ = 1;
};

TEST_F(CommandTrialTest, ToyTrainerTrainsARungThenResumesOnPromotion) {
  CommandTrial trial = ToyTrainer();
  job::JobResult rung0 = trial.Run(Job(1, 0, 2), nullptr);
  ASSERT_EQ(rung0.outcome, job::Outcome::kOk) << rung0.error;
  EXPECT_EQ(rung0.epochs_trained, 2);
  EXPECT_EQ(rung0.job, 1u);
  EXPECT_EQ(rung0.trial, 1u);
  EXPECT_GT(rung0.seconds, 0);
  EXPECT_TRUE(fs::exists(trial.WorkdirOf(1) / "checkpoint-2.json"));

  job::JobResult rung1 = trial.Run(Job(1, 2, 6), nullptr);
  ASSERT_EQ(rung1.outcome, job::Outcome::kOk) << rung1.error;
  EXPECT_EQ(rung1.epochs_trained, 4);  // only the new epochs
  EXPECT_LT(rung1.metric, rung0.metric);  // validation loss keeps falling at this lr
  EXPECT_GT(rung1.metric, 0.0);
  EXPECT_THAT(ReadFile(trial.StdoutLogOf(2)), HasSubstr("rungs-metric epoch=3 "));
  EXPECT_THAT(ReadFile(trial.StdoutLogOf(2)), Not(HasSubstr("epoch=1 ")));
}

TEST_F(CommandTrialTest, ToyTrainerResumedGivesTheUninterruptedModel) {
  CommandTrial trial = ToyTrainer();
  ASSERT_EQ(trial.Run(Job(1, 0, 2), nullptr).outcome, job::Outcome::kOk);
  job::JobResult resumed = trial.Run(Job(1, 2, 5), nullptr);
  job::JobResult straight = trial.Run(Job(2, 0, 5), nullptr);
  ASSERT_EQ(resumed.outcome, job::Outcome::kOk) << resumed.error;
  ASSERT_EQ(straight.outcome, job::Outcome::kOk) << straight.error;
  EXPECT_EQ(resumed.metric, straight.metric);
  EXPECT_EQ(straight.epochs_trained, 5);
}

TEST_F(CommandTrialTest, StopsAProgramThatTrainsPastEpochsTo) {
  CommandTrial trial = ToyTrainer({"--max-epochs", "100000"});
  job::JobResult result = trial.Run(Job(1, 0, 3), nullptr);
  ASSERT_EQ(result.outcome, job::Outcome::kOk) << result.error;
  EXPECT_EQ(result.epochs_trained, 3);
  EXPECT_LT(result.seconds, 30);  // it was stopped, not left to train 100000 epochs
}

TEST_F(CommandTrialTest, KillsAProgramThatIgnoresSigtermAndEverythingItStarted) {
  std::string script = Script("forever", R"(
trap '' TERM
echo $$ > "$1/pid"
sleep 1000 &
echo $! > "$1/sleep"
e=0
while :; do e=$((e+1)); echo "rungs-metric epoch=$e value=0.5"; done)");
  CommandTrial trial = Trial({script, "{workdir}"});
  job::JobResult result = trial.Run(Job(4, 0, 4), nullptr);
  ASSERT_EQ(result.outcome, job::Outcome::kOk) << result.error;
  EXPECT_EQ(result.epochs_trained, 4);
  EXPECT_DOUBLE_EQ(result.metric, 0.5);
  EXPECT_LT(result.seconds, 30);

  pid_t program = std::stoi(ReadFile(trial.WorkdirOf(4) / "pid"));
  pid_t sleeper = std::stoi(ReadFile(trial.WorkdirOf(4) / "sleep"));
  errno = 0;
  EXPECT_EQ(::waitpid(program, nullptr, WNOHANG), -1);  // already reaped: no zombie
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(StopsRunning(program));
  EXPECT_TRUE(StopsRunning(sleeper)) << "state " << ProcessState(sleeper);
}

TEST_F(CommandTrialTest, ProgramExitingEarlyFailsWithItsStatusAndStderr) {
  std::string script = Script("early", R"(
echo "rungs-metric epoch=1 value=0.5"
echo "loading shard 2" >&2
echo "out of memory in layer 3" >&2
exit 3)");
  CommandTrial trial = Trial({script});
  job::JobResult result = trial.Run(Job(1, 0, 4), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_EQ(result.failure, job::Failure::kCrash);
  EXPECT_EQ(result.epochs_trained, 1);
  EXPECT_THAT(result.error, HasSubstr("exited with status 3 before reaching epoch 4 (it reported up to epoch 1)"));
  EXPECT_THAT(result.error, HasSubstr("loading shard 2\nout of memory in layer 3"));
  EXPECT_THAT(result.error, HasSubstr(trial.StderrLogOf(1).string()));
}

TEST_F(CommandTrialTest, ProgramKilledBySignalSaysWhich) {
  CommandTrial trial = Trial({Script("killed", "kill -KILL $$")});
  job::JobResult result = trial.Run(Job(1, 0, 2), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_EQ(result.failure, job::Failure::kCrash);
  EXPECT_EQ(result.epochs_trained, 0);
  EXPECT_THAT(result.error, HasSubstr("killed by signal 9 (SIGKILL) before reaching epoch 2 (it reported no epoch)"));
  EXPECT_THAT(result.error, HasSubstr("is empty"));
}

TEST_F(CommandTrialTest, MissingExecutableFailsClearly) {
  CommandTrial by_path = Trial({(dir_ / "bin" / "no-such-trainer").string()});
  job::JobResult result = by_path.Run(Job(1, 0, 2), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("cannot start '" + (dir_ / "bin").string()));
  EXPECT_THAT(result.error, HasSubstr("No such file or directory"));

  CommandTrial by_name = Trial({"rungs-no-such-trainer-xyz", "--lr", "{lr}"});
  result = by_name.Run(Job(1, 0, 2), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("not found on PATH"));
}

TEST_F(CommandTrialTest, FileThatIsNotExecutableFailsClearly) {
  std::string script = Script("plain", "echo hi");
  fs::permissions(script, fs::perms::owner_read | fs::perms::owner_write);
  job::JobResult result = Trial({script}).Run(Job(1, 0, 2), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("Permission denied"));
}

TEST_F(CommandTrialTest, NanOrInfiniteMetricDiverges) {
  std::string script = Script("nan", R"(
echo "rungs-metric epoch=1 value=0.4"
echo "rungs-metric epoch=2 value=$1"
exec sleep 1000)");
  for (std::string bad : {"nan", "-nan", "inf"}) {
    CommandTrial trial = Trial({script, bad});
    job::JobResult result = trial.Run(Job(1, 0, 5), nullptr);
    EXPECT_EQ(result.outcome, job::Outcome::kDiverged) << bad << ": " << result.error;
    EXPECT_EQ(result.epochs_trained, 2) << bad;
    EXPECT_THAT(result.error, HasSubstr("at epoch 2")) << bad;
  }
}

TEST_F(CommandTrialTest, CancelStopsTheProgramAsAbandoned) {
  std::string script = Script("slow", R"(
echo "rungs-metric epoch=3 value=0.4"
echo "rungs-metric epoch=4 value=0.3"
touch "$1/ready"
exec sleep 1000)");
  CommandTrial trial = Trial({script, "{workdir}"});
  std::atomic<bool> cancel{false};
  fs::path ready = trial.WorkdirOf(1) / "ready";
  std::thread canceller([&] {
    for (int i = 0; i < 2000 && !fs::exists(ready); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    cancel.store(true);
  });
  job::JobResult result = trial.Run(Job(1, 2, 8), &cancel);
  canceller.join();
  EXPECT_EQ(result.outcome, job::Outcome::kAbandoned) << result.error;
  EXPECT_EQ(result.epochs_trained, 2);  // epochs 3 and 4 after epochs_from = 2
  EXPECT_THAT(result.error, HasSubstr("abandoned after epoch 4"));
  EXPECT_LT(result.seconds, 30);
}

TEST_F(CommandTrialTest, MalformedMetricLineFailsNamingTheLine) {
  std::string script = Script("garbled", R"(
echo "starting"
echo "rungs-metric epoch=1 value=0.5"
echo "rungs-metric epoch=2 value=high"
exec sleep 1000)");
  job::JobResult result = Trial({script}).Run(Job(1, 0, 3), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_EQ(result.epochs_trained, 1);
  EXPECT_THAT(result.error, HasSubstr("stdout line 3: metric line: value 'high' of 'value'"));
}

TEST_F(CommandTrialTest, MetricLineWithoutTheObjectiveFails) {
  std::string script = Script("nometric", R"(echo "rungs-metric epoch=1 accuracy=0.5")");
  job::JobResult result = Trial({script}, "loss").Run(Job(1, 0, 1), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("no 'loss='"));
}

TEST_F(CommandTrialTest, ProgramThatRestartsInsteadOfResumingFails) {
  std::string script = Script("restarts", R"(echo "rungs-metric epoch=1 value=0.5")");
  job::JobResult result = Trial({script}).Run(Job(1, 2, 4), nullptr);
  EXPECT_EQ(result.outcome, job::Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("epoch 1 does not follow epoch 2"));
}

TEST_F(CommandTrialTest, LastLineWithoutNewlineCounts) {
  std::string script = Script("nonewline", R"(printf 'rungs-metric epoch=1 value=0.25')");
  job::JobResult result = Trial({script}).Run(Job(1, 0, 1), nullptr);
  ASSERT_EQ(result.outcome, job::Outcome::kOk) << result.error;
  EXPECT_DOUBLE_EQ(result.metric, 0.25);
}

TEST_F(CommandTrialTest, ArgumentsReachTheProgramUnchanged) {
  std::string script = Script("args", R"(
for a in "$@"; do printf '[%s]\n' "$a"; done > "$1/args"
echo "rungs-metric epoch=1 value=1")");
  Result<std::vector<std::string>> argv = SplitCommandLine(
      script + " {workdir} --lr={lr} 'two words' \"$HOME\" '*' {trial} {seed} {rung}");
  ASSERT_TRUE(argv.ok()) << argv.message();
  CommandTrial trial = Trial(*argv);
  ASSERT_EQ(trial.Run(Job(6, 0, 1), nullptr).outcome, job::Outcome::kOk);
  EXPECT_EQ(ReadFile(trial.WorkdirOf(6) / "args"),
            "[" + trial.WorkdirOf(6).string() + "]\n[--lr=0.01]\n[two words]\n[$HOME]\n[*]\n"
            "[6]\n[106]\n[0]\n");
}

TEST_F(CommandTrialTest, ProgramInheritsNoDescriptorBeyondStdio) {
  int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  std::string script = Script("fds", R"(
if [ -e /proc/$$/fd/$1 ]; then v=1; else v=0; fi
echo "rungs-metric epoch=1 value=$v")");
  job::JobResult result = Trial({script, std::to_string(leaky)}).Run(Job(1, 0, 1), nullptr);
  ::close(leaky);
  ASSERT_EQ(result.outcome, job::Outcome::kOk) << result.error;
  EXPECT_EQ(result.metric, 0.0);  // descriptor `leaky` was not open in the program
}

TEST_F(CommandTrialTest, OutputIsCopiedToTheJobLogs) {
  std::string script = Script("chatty", R"(
echo "epoch 1 starting"
echo "warning: slow disk" >&2
echo "rungs-metric epoch=1 value=1")");
  CommandTrial trial = Trial({script});
  ASSERT_EQ(trial.Run(Job(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
  EXPECT_EQ(ReadFile(trial.StdoutLogOf(1)), "epoch 1 starting\nrungs-metric epoch=1 value=1\n");
  EXPECT_EQ(ReadFile(trial.StderrLogOf(1)), "warning: slow disk\n");
}

TEST_F(CommandTrialTest, FreshStartEmptiesTheTrialFolderAndResumeKeepsIt) {
  std::string script = Script("lister", R"(
ls "$1" > "$1/../listing-$2"
echo "rungs-metric epoch=$3 value=1")");
  CommandTrial trial = Trial({script, "{workdir}", "{job}", "{epochs_to}"});
  fs::create_directories(trial.WorkdirOf(2));
  std::ofstream(trial.WorkdirOf(2) / "stale-checkpoint") << "x";
  ASSERT_EQ(trial.Run(Job(2, 0, 1), nullptr).outcome, job::Outcome::kOk);
  EXPECT_EQ(ReadFile(trial.WorkdirOf(2) / ".." / "listing-1"), "");
  std::ofstream(trial.WorkdirOf(2) / "checkpoint") << "x";
  ASSERT_EQ(trial.Run(Job(2, 1, 2), nullptr).outcome, job::Outcome::kOk);
  EXPECT_EQ(ReadFile(trial.WorkdirOf(2) / ".." / "listing-2"), "checkpoint\n");
  EXPECT_NE(trial.WorkdirOf(2), trial.WorkdirOf(3));
}

TEST_F(CommandTrialTest, ManyJobsRunAtOnceWithoutCrossedStreams) {
  std::string script = Script("parallel", R"(
for e in 1 2 3; do echo "rungs-metric epoch=$e value=$1.$e"; sleep 0.05; done)");
  CommandTrial trial = Trial({script, "{trial}"});
  constexpr int kJobs = 8;
  std::vector<job::JobResult> results(kJobs);
  std::vector<job::Job> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back(Job(static_cast<uint32_t>(i + 1), 0, 3));
  std::vector<std::thread> threads;
  for (int i = 0; i < kJobs; ++i) {
    threads.emplace_back([&, i] { results[i] = trial.Run(jobs[i], nullptr); });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_EQ(results[i].outcome, job::Outcome::kOk) << results[i].error;
    EXPECT_DOUBLE_EQ(results[i].metric, (i + 1) + 0.3);
    EXPECT_EQ(results[i].trial, static_cast<uint32_t>(i + 1));
  }
}

TEST_F(CommandTrialTest, CreateRefusesUnknownPlaceholderAndBadMetric) {
  CommandSpec spec;
  spec.argv = {"prog", "--lr", "{learning_rate}"};
  spec.root = dir_ / "runs";
  Result<CommandTrial> unknown = CommandTrial::Create(*space_, spec);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.message(), HasSubstr("unknown placeholder {learning_rate}"));
  EXPECT_THAT(unknown.message(), HasSubstr("parameters: lr, l2"));

  spec.argv = {"prog"};
  for (std::string bad : {"", "epoch", "a=b", "two words"}) {
    spec.metric = bad;
    Result<CommandTrial> trial = CommandTrial::Create(*space_, spec);
    ASSERT_FALSE(trial.ok()) << bad;
    EXPECT_THAT(trial.message(), HasSubstr("metric name")) << bad;
  }
}

TEST_F(CommandTrialTest, CreateRefusesARootItCannotCreate) {
  std::ofstream(dir_ / "file") << "x";
  CommandSpec spec;
  spec.argv = {"prog"};
  spec.root = dir_ / "file" / "runs";
  Result<CommandTrial> trial = CommandTrial::Create(*space_, spec);
  ASSERT_FALSE(trial.ok());
  EXPECT_THAT(trial.message(), HasSubstr((dir_ / "file" / "runs" / "logs").string()));
}

}  // namespace
}  // namespace rungs::trial
