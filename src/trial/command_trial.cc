#include "trial/command_trial.h"

#include <cmath>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <system_error>

#include "proc/child_process.h"
#include "trial/metric_line.h"

namespace rungs::trial {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How long Run waits for stdout before looking at the cancel flag again.
constexpr std::chrono::milliseconds kPoll{50};
// After the program exits, how long its stdout may stay open (held by
// something outside its group) before the job is judged on what it printed.
constexpr std::chrono::seconds kDrainAfterExit{1};
constexpr size_t kStderrTailBytes = 2000;
constexpr size_t kQuotedLineBytes = 200;

std::string Quote(const std::string& line) {
  if (line.size() <= kQuotedLineBytes) return "'" + line + "'";
  return "'" + line.substr(0, kQuotedLineBytes) + "...'";
}

// Follows the metric lines of one job and decides when it is over.
class Progress {
 public:
  Progress(const job::Job& job, const std::string& metric)
      : job_(job), metric_(metric), last_epoch_(job.epochs_from) {}

  // The job's final result if `line` ends it (reached epochs_to, diverged,
  // or malformed), nullopt to keep reading.
  std::optional<job::JobResult> OnLine(const std::string& line) {
    ++line_number_;
    Result<std::optional<MetricLine>> parsed = ParseMetricLine(line);
    if (!parsed.ok()) return Bad(parsed.message() + ": " + Quote(line));
    if (!parsed->has_value()) return std::nullopt;
    const MetricLine& m = **parsed;
    if (m.epoch <= last_epoch_) {
      return Bad("epoch " + std::to_string(m.epoch) + " does not follow epoch " +
                 std::to_string(last_epoch_) + " (epochs must increase, starting after " +
                 "epochs_from = " + std::to_string(job_.epochs_from) + ")");
    }
    std::optional<double> value = m.Find(metric_);
    if (!value) return Bad("metric line has no '" + metric_ + "=': " + Quote(line));
    last_epoch_ = m.epoch;
    if (!std::isfinite(*value)) {
      return Final(job::Outcome::kDiverged, "metric '" + metric_ + "' is " +
                                                std::to_string(*value) + " at epoch " +
                                                std::to_string(m.epoch));
    }
    if (m.epoch < job_.epochs_to) return std::nullopt;
    job::JobResult done = Final(job::Outcome::kOk, "");
    done.metric = *value;
    return done;
  }

  job::JobResult Final(job::Outcome outcome, std::string error) const {
    job::JobResult r = job::ResultFor(job_, outcome, std::move(error));
    r.epochs_trained = last_epoch_ - job_.epochs_from;
    return r;
  }

  // e.g. "after epoch 3" or "before reporting any epoch".
  std::string Where() const {
    if (last_epoch_ == job_.epochs_from) return "before reporting any epoch";
    return "after epoch " + std::to_string(last_epoch_);
  }

  // e.g. "it reported up to epoch 3" or "it reported no epoch".
  std::string Reported() const {
    if (last_epoch_ == job_.epochs_from) return "it reported no epoch";
    return "it reported up to epoch " + std::to_string(last_epoch_);
  }

 private:
  job::JobResult Bad(const std::string& why) const {
    return Final(job::Outcome::kFailed, "stdout line " + std::to_string(line_number_) + ": " + why);
  }

  const job::Job& job_;
  const std::string& metric_;
  int last_epoch_;
  int line_number_ = 0;
};

bool ValidMetricName(const std::string& name) {
  if (name.empty() || name == "epoch") return false;
  for (char c : name) {
    if (c == '=' || c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  }
  return true;
}

}  // namespace

Result<CommandTrial> CommandTrial::Create(const space::Space& space, CommandSpec spec) {
  Result<ArgvTemplate> argv = ArgvTemplate::Compile(spec.argv, space);
  if (!argv.ok()) return argv.error();
  if (!ValidMetricName(spec.metric)) {
    return Fail("command: metric name '" + spec.metric +
                "' cannot be a metric-line key (non-empty, not 'epoch', no '=' or blanks)");
  }
  if (spec.root.empty()) return Fail("command: no folder given for the trials' working folders");
  std::error_code ec;
  spec.root = fs::absolute(spec.root, ec);
  if (!ec) fs::create_directories(spec.root / "logs", ec);
  if (ec) return Fail("command: cannot create " + (spec.root / "logs").string() + ": " + ec.message());
  return CommandTrial(space, std::move(spec), std::move(*argv));
}

fs::path CommandTrial::WorkdirOf(uint32_t trial) const {
  return spec_.root / ("trial-" + std::to_string(trial));
}

fs::path CommandTrial::StdoutLogOf(uint64_t job) const {
  return spec_.root / "logs" / ("job-" + std::to_string(job) + ".out");
}

fs::path CommandTrial::StderrLogOf(uint64_t job) const {
  return spec_.root / "logs" / ("job-" + std::to_string(job) + ".err");
}

job::JobResult CommandTrial::Run(const job::Job& job, const std::atomic<bool>* cancel) const {
  auto start = Clock::now();
  job::JobResult result;
  try {
    result = RunChecked(job, cancel);
  } catch (const std::exception& e) {
    result = job::ResultFor(job, job::Outcome::kFailed, std::string("command trainable: ") + e.what());
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

Result<fs::path> CommandTrial::PrepareWorkdir(const job::Job& job) const {
  fs::path dir = WorkdirOf(job.trial);
  std::error_code ec;
  // From epoch 0 the program must start afresh: no stale checkpoint may leak in.
  if (job.epochs_from == 0) fs::remove_all(dir, ec);
  if (!ec) fs::create_directories(dir, ec);
  if (ec) return Fail("cannot prepare the working folder " + dir.string() + ": " + ec.message());
  return dir;
}

job::JobResult CommandTrial::RunChecked(const job::Job& job,
                                        const std::atomic<bool>* cancel) const {
  Result<fs::path> workdir = PrepareWorkdir(job);
  if (!workdir.ok()) return job::ResultFor(job, job::Outcome::kFailed, workdir.message());
  JobBindings bindings{space_->ToJson(job.config), workdir->string(), spec_.seed + job.trial};
  std::vector<std::string> argv = argv_.Expand(job, bindings);
  auto child = proc::ChildProcess::Spawn(argv, StderrLogOf(job.id));
  if (!child.ok()) return job::ResultFor(job, job::Outcome::kFailed, child.message());
  return Follow(**child, argv[0], job, cancel);
}

job::JobResult CommandTrial::Follow(proc::ChildProcess& program, const std::string& name,
                                    const job::Job& job,
                                    const std::atomic<bool>* cancel) const {
  std::ofstream out_log(StdoutLogOf(job.id));
  Progress progress(job, spec_.metric);
  // Logs and judges lines; the job's result once a line ends it.
  auto consume = [&](const std::vector<std::string>& lines) -> std::optional<job::JobResult> {
    for (const std::string& line : lines) {
      out_log << line << '\n';
      if (std::optional<job::JobResult> end = progress.OnLine(line)) return end;
    }
    return std::nullopt;
  };
  std::optional<Clock::time_point> exited_at;
  while (true) {
    if (cancel != nullptr && cancel->load()) {
      // Epochs already printed count, even when the reader had not got to them.
      std::optional<job::JobResult> end = consume(program.ReadLines(std::chrono::milliseconds(0)));
      program.Stop(spec_.stop_grace);
      return end ? *end : progress.Final(job::Outcome::kAbandoned, "abandoned " + progress.Where());
    }
    // Look for the exit before reading, so that every line printed before it is read.
    std::optional<proc::ExitStatus> exit = program.TryReap();
    if (exit && !exited_at) exited_at = Clock::now();
    if (std::optional<job::JobResult> end = consume(program.ReadLines(kPoll))) {
      program.Stop(spec_.stop_grace);
      return *end;
    }
    if (exit && (!program.stdout_open() || Clock::now() - *exited_at > kDrainAfterExit)) {
      std::string tail = proc::FileTail(StderrLogOf(job.id), kStderrTailBytes);
      job::JobResult crashed = progress.Final(
          job::Outcome::kFailed, "'" + name + "' " + exit->Describe() + " before reaching epoch " +
                                     std::to_string(job.epochs_to) + " (" + progress.Reported() +
                                     "); stderr (" + StderrLogOf(job.id).string() + ")" +
                                     (tail.empty() ? " is empty" : ":\n" + tail));
      crashed.failure = job::Failure::kCrash;
      return crashed;
    }
  }
}

}  // namespace rungs::trial
