#include "worker/job_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "job/envelope.h"
#include "job/job_json.h"
#include "text/read_options_json.h"
#include "text/trainer.h"
#include "trial/classifier_space.h"
#include "trial/classifier_trial.h"
#include "worker/config_limits.h"

namespace rungs::worker {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The process's resident memory, from /proc/self/statm; 0 if unreadable.
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

// What a new model may take of the function's memory: what is not in use
// yet, less a tenth kept for everything else a job allocates.
int64_t ModelBudget(int memory_mb) {
  int64_t total = memory_mb * kMiB;
  return std::max<int64_t>(total - total / 10 - ResidentBytes(), 1);
}

RunReply Refuse(std::string message) {
  RunReply reply;
  reply.error_type = kInvalidJob;
  reply.error = std::move(message);
  return reply;
}

// The result with its time, and on Lambda what it is billed for: the
// handler's duration rounded up to the millisecond, as Lambda bills it.
RunReply Answer(job::JobResult result, Clock::time_point start, int memory_mb) {
  result.seconds = SecondsSince(start);
  if (memory_mb > 0) {
    result.cost = {static_cast<int64_t>(std::ceil(result.seconds * 1000)), memory_mb};
  }
  RunReply reply;
  reply.result = std::move(result);
  return reply;
}

// The checks a request must pass before any data is touched.
struct CheckedJob {
  job::JobEnvelope envelope;
  trial::ClassifierSettings settings;
  trial::Metric metric = trial::Metric::kAccuracy;
};

Result<CheckedJob> Check(std::string_view request, const RunnerOptions& options) {
  constexpr std::string_view kOrigin = "lambda request";
  Result<nlohmann::json> json = job::ParseJson(request, kOrigin);
  if (!json.ok()) return json.error();
  Result<job::JobEnvelope> envelope = job::EnvelopeFromJson(*json, kOrigin);
  if (!envelope.ok()) return envelope.error();
  if (envelope->checkpoint || envelope->job.epochs_from != 0) {
    return Fail("lambda request: job request field 'checkpoint' must be null and "
                "'epochs_from' 0: a Lambda worker trains every job from scratch (restart mode)");
  }
  Result<CheckedConfig> config = CheckConfig(envelope->config);
  if (!config.ok()) return Fail("lambda request: job request " + config.message());
  Result<text::ReadOptions> read = text::ReadOptionsFromJson(envelope->data.read);
  if (!read.ok()) return Fail("lambda request: job request " + read.message());
  Result<trial::Metric> metric = trial::ParseMetric(envelope->task.metric);
  if (!metric.ok()) return Fail("lambda request: task.metric: " + metric.message());

  text::TrainArgs base;
  base.thread = envelope->task.threads;
  base.seed = static_cast<int>(envelope->seed);  // as `rungs tune` seeds local trials
  base.verbose = 0;
  if (options.memory_mb > 0) base.memory_limit_bytes = ModelBudget(options.memory_mb);
  Result<trial::ClassifierSettings> settings =
      trial::SettingsFor(config->space, config->config, base);
  if (!settings.ok()) return Fail("lambda request: job request config: " + settings.message());

  // The hashed rows alone (the vocabulary is known only after reading) must
  // fit; StartTraining checks the whole model once the data is read.
  const text::TrainArgs& args = settings->args;
  int64_t bucket_bytes = int64_t{args.dict.EffectiveBucket()} * args.dim * 4;
  if (options.memory_mb > 0 && bucket_bytes > args.memory_limit_bytes) {
    return Fail("lambda request: job request config: bucket " +
                std::to_string(args.dict.bucket) + " x dim " + std::to_string(args.dim) +
                " needs " + std::to_string(bucket_bytes / kMiB) + " MiB of weights, more than the " +
                std::to_string(args.memory_limit_bytes / kMiB) + " MiB this function (" +
                std::to_string(options.memory_mb) + " MB) has left for a model");
  }
  return CheckedJob{std::move(*envelope), std::move(*settings), *metric};
}

}  // namespace

Clock::duration JobRunner::Margin(Clock::duration time_left) {
  return std::clamp<Clock::duration>(time_left / 10, std::chrono::milliseconds(200),
                                     std::chrono::seconds(10));
}

RunReply JobRunner::Run(std::string_view request, std::optional<Clock::time_point> deadline) {
  Clock::time_point start = Clock::now();
  Result<CheckedJob> checked = Check(request, options_);
  if (!checked.ok()) return Refuse(checked.message());
  const job::Job& job = checked->envelope.job;
  const text::TrainArgs& args = checked->settings.args;
  auto failed = [&](const std::string& error) {
    return Answer(job::ResultFor(job, job::Outcome::kFailed, error), start, options_.memory_mb);
  };

  Result<std::shared_ptr<trial::ClassifierData>> data = data_.Get(checked->envelope.data);
  if (!data.ok()) return failed(data.message());
  Result<trial::TrainValid> corpora = (*data)->Get(checked->settings.normalize);
  if (!corpora.ok()) return failed(corpora.message());
  auto train = corpora->train->Encode(args.dict);
  if (!train.ok()) return failed(train.message());
  Result<text::Checkpoint> checkpoint = text::StartTraining(**train, args);
  if (!checkpoint.ok()) return failed(checkpoint.message());

  text::LrSchedule schedule{args.lr * job.lr_scale, 0.0, 0.0, static_cast<double>(job.epochs_to)};
  text::TrainControl control;
  if (deadline) control.deadline = *deadline - Margin(*deadline - start);
  Result<text::TrainReport> report = text::Train(**train, schedule, job.epochs_to, *checkpoint, control);
  if (!report.ok()) return failed(report.message());

  job::JobResult result = job::ResultFor(job, job::Outcome::kOk);
  result.epochs_trained = static_cast<int>(std::floor(report->epoch + 1e-9));
  if (report->stop == text::TrainStop::kDiverged) {
    result.outcome = job::Outcome::kDiverged;
    result.error = report->message.empty() ? "training diverged (NaN or infinite loss)"
                                           : report->message;
  } else {
    // A model stopped by the deadline is still consistent: score it too.
    Result<double> metric = trial::ScoreModel(checkpoint->model, *corpora->valid, checked->metric);
    if (!metric.ok()) return failed(metric.message());
    result.metric = *metric;
    if (report->stop != text::TrainStop::kDone) {
      result.outcome = job::Outcome::kTimeout;
      result.error = "stopped at the invocation's deadline after " +
                     std::to_string(result.epochs_trained) + " of " +
                     std::to_string(job.epochs_to) + " epochs";
    }
  }
  return Answer(std::move(result), start, options_.memory_mb);
}

}  // namespace rungs::worker
