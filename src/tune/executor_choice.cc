#include "tune/executor_choice.h"

#include <filesystem>
#include <thread>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "exec/local_executor.h"
#include "job/envelope.h"
#include "text/read_options_json.h"
#include "tune/warning.h"

namespace rungs::tune {
namespace {

// Where Lambda workers find the data: the locations as the user gave them
// (s3://, https:// or a path inside the function's package), except that a
// named data set is its local files, which only a local emulator can read.
job::DataLocations WorkerData(const TuneSpec& given, const TuneSpec& local) {
  job::DataLocations data;
  data.train = given.train.empty() ? std::filesystem::absolute(local.train).string() : given.train;
  data.valid = given.valid;
  data.valid_fraction = given.valid_fraction;
  data.split_seed = given.seed;
  data.read = text::ReadOptionsToJson(given.read);
  return data;
}

}  // namespace

Result<ExecutorSettings> ResolveExecutor(const TuneSpec& spec) {
  ExecutorSettings settings;
  if (!OnLambda(spec)) {
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    settings.workers = spec.workers > 0 ? spec.workers : cores;
    if (int64_t{settings.workers} * spec.threads > cores) {
      Warn("--workers " + std::to_string(settings.workers) + " with --threads " +
           std::to_string(spec.threads) + " runs more threads than the " + std::to_string(cores) +
           " cores here: trials share them and each runs slower (--workers 0: one per core)");
    }
    return settings;
  }
  Result<std::string> region = aws::ResolveRegion(spec.region);
  if (!region.ok()) return Fail("--region: " + region.message());
  Result<aws::Credentials> credentials = aws::LoadCredentials();
  if (!credentials.ok()) return Fail("AWS credentials: " + credentials.message());
  exec::LambdaOptions& options = settings.lambda.emplace();
  options.target.endpoint = aws::ResolveEndpoint(spec.endpoint_url, "lambda", *region);
  options.target.function = spec.function;
  options.target.qualifier = spec.qualifier;
  options.target.region = *region;
  options.target.credentials = *credentials;
  options.concurrency = spec.concurrency;
  options.function_timeout_seconds = spec.function_timeout;
  options.memory_mb = spec.memory_mb;
  options.retry.seed = spec.seed;
  RUNGS_RETURN_IF_ERROR(exec::CheckLambdaOptions(options));
  return settings;
}

TuneExecutor::TuneExecutor(RungCounter counter, std::unique_ptr<exec::Executor> inner,
                           std::function<void()> cancel_all)
    : counter_(std::move(counter)),
      inner_(std::move(inner)),
      cancel_all_(std::move(cancel_all)),
      counting_(*inner_, counter_) {}

Result<std::unique_ptr<TuneExecutor>> MakeExecutor(const ExecutorSettings& settings,
                                                   const TuneSpec& given, const TuneSpec& local,
                                                   const SearchPlan& plan, Trainable& trainable,
                                                   const store::Journal& journal) {
  Result<JournalView> view = ReadJournal(journal);
  if (!view.ok()) return view.error();
  RungCounter counter(*view, local.price_per_gb_second);
  if (!settings.lambda) {
    auto executor = std::make_unique<exec::LocalExecutor>(
        settings.workers, plan.options.promotion,
        [&trainable](const job::Job& job, const std::atomic<bool>* cancel) {
          return trainable.Run(job, cancel);
        });
    exec::LocalExecutor* cancel = executor.get();
    return std::make_unique<TuneExecutor>(std::move(counter), std::move(executor),
                                          [cancel] { cancel->CancelAll(); });
  }
  // Everything a worker needs besides the job, the same in every request.
  job::JobEnvelope common;
  common.experiment = journal.experiment().id;
  common.data = WorkerData(given, local);
  common.task = {local.metric, local.threads};
  common.seed = local.seed;
  const space::Space& space = plan.space;
  auto executor = std::make_unique<exec::LambdaExecutor>(
      *settings.lambda, [common, &space](const job::Job& job) {
        job::JobEnvelope envelope = common;
        envelope.job = job;
        envelope.config = space.ToJson(job.config);
        return envelope;
      });
  exec::LambdaExecutor* cancel = executor.get();
  return std::make_unique<TuneExecutor>(std::move(counter), std::move(executor),
                                        [cancel] { cancel->CancelAll(); });
}

}  // namespace rungs::tune
