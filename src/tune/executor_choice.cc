#include "tune/executor_choice.h"

#include <filesystem>
#include <thread>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "base/byte_size.h"
#include "base/memory_limit.h"
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
    if (!spec.memory.empty()) {
      Result<int64_t> memory = ParseByteSize(spec.memory, "--memory");
      if (!memory.ok()) return memory.error();
      settings.memory_bytes = *memory;
      settings.side_by_side_bytes = *memory;
      settings.memory_source = "--memory " + ByteSizeText(*memory);
    } else {
      // Half: the rest is for the system, other programs and what the
      // estimates miss (allocator slack, the data's own text).
      MemoryLimit available = AvailableMemory();
      settings.memory_bytes = available.bytes / 2;
      settings.side_by_side_bytes = std::min(
          settings.memory_bytes, std::max(kSideBySideAtLeast, kSideBySidePerWorker * settings.workers));
      settings.memory_source =
          "half of the " + available.source + " of " + ByteSizeText(available.bytes);
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
                           std::unique_ptr<exec::MemoryGate> gate,
                           std::function<void()> cancel_all,
                           std::function<void(double)> cancel_at)
    : counter_(std::move(counter)),
      inner_(std::move(inner)),
      gate_(std::move(gate)),
      cancel_all_(std::move(cancel_all)),
      cancel_at_(std::move(cancel_at)),
      counting_(gate_ ? static_cast<exec::Executor&>(*gate_) : *inner_, counter_) {}

exec::JobMemory PredictJobMemory(trial::ClassifierTrial& classifier, const job::Job& job,
                                 trial::Prediction how) {
  Result<trial::JobMemoryNeed> need = classifier.PredictMemory(job, how);
  return need.ok() ? exec::JobMemory{need->bytes, need->held, need->upper_bound}
                   : exec::JobMemory{};
}

exec::MemoryGate::Hooks ClassifierHooks(trial::ClassifierTrial& classifier,
                                        const space::Space& space) {
  exec::MemoryGate::Hooks hooks;
  hooks.predict = [&classifier](const job::Job& job) {
    return PredictJobMemory(classifier, job, trial::Prediction::kUpperBound);
  };
  hooks.refine = [&classifier](const job::Job& job) -> std::optional<exec::JobMemory> {
    Result<std::optional<trial::JobMemoryNeed>> need = classifier.PredictExactSoon(job);
    if (!need.ok()) return exec::JobMemory{};
    if (!*need) return std::nullopt;
    return exec::JobMemory{(*need)->bytes, (*need)->held, false};
  };
  hooks.held = [&classifier] { return classifier.held_bytes(); };
  hooks.release = [&classifier](int64_t bytes) { return classifier.Release(bytes); };
  hooks.describe = [&space](const job::Job& job) { return space.ToJson(job.config).dump(); };
  return hooks;
}

namespace {

// A Lambda job must fit the function's memory: --memory-mb, or what the
// first answers were billed for.
exec::MemoryLimits LambdaLimits(const TuneSpec& spec) {
  exec::MemoryLimits limits;
  limits.per_job = int64_t{spec.memory_mb} << 20;
  limits.per_job_from_results = spec.memory_mb == 0;
  limits.per_job_name = "the Lambda function's memory";
  return limits;
}

// What the jobs may plan on of `budget` when the process holds `resident`.
int64_t PlannedBytes(int64_t budget, int64_t resident) {
  return int64_t(double(budget - resident) * (1 - kUnpredictedShare));
}

}  // namespace

Result<exec::MemoryLimits> JobMemoryLimits(const ExecutorSettings& settings, const TuneSpec& local) {
  if (settings.lambda) return LambdaLimits(local);
  const int64_t resident = ResidentBytes();
  if (resident >= settings.memory_bytes) {
    return Fail("the memory budget (" + settings.memory_source + ") is smaller than the " +
                ByteSizeText(resident) +
                " this process holds before any job (the data read): give a larger --memory");
  }
  exec::MemoryLimits limits;
  // The predictions count what jobs and checkpoints hold, not the
  // allocator's slack or short-lived buffers around them: 9% over a 2G
  // budget was measured on 20 Newsgroups (bench/RESULTS.md), so that much
  // and more is left out of what the jobs may plan on.
  limits.total = PlannedBytes(settings.memory_bytes, resident);
  // When the data alone fills the side-by-side share, jobs run one at a time.
  limits.side_by_side = std::max<int64_t>(
      1, PlannedBytes(std::max(settings.side_by_side_bytes, resident), resident));
  limits.total_name = "the memory budget (" + settings.memory_source + ", less " +
                      ByteSizeText(resident) + " of data and 15% for the allocator)";
  return limits;
}

Result<std::unique_ptr<TuneExecutor>> MakeExecutor(const ExecutorSettings& settings,
                                                   const TuneSpec& given, const TuneSpec& local,
                                                   const exec::MemoryLimits& limits,
                                                   const SearchPlan& plan, Trainable& trainable,
                                                   const store::Journal& journal) {
  Result<JournalView> view = ReadJournal(journal);
  if (!view.ok()) return view.error();
  RungCounter counter(*view, local.price_per_gb_second);
  trial::ClassifierTrial* classifier = trainable.classifier();
  if (!settings.lambda) {
    auto executor = std::make_unique<exec::LocalExecutor>(
        settings.workers, plan.options.promotion,
        [&trainable](const job::Job& job, const std::atomic<bool>* cancel) {
          return trainable.Run(job, cancel);
        });
    exec::LocalExecutor* cancel = executor.get();
    std::unique_ptr<exec::MemoryGate> gate;
    if (classifier != nullptr) {
      gate = std::make_unique<exec::MemoryGate>(*executor, limits,
                                                ClassifierHooks(*classifier, plan.space));
    }
    return std::make_unique<TuneExecutor>(std::move(counter), std::move(executor),
                                          std::move(gate), [cancel] { cancel->CancelAll(); },
                                          [cancel](double seconds) { cancel->CancelAt(seconds); });
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
  std::unique_ptr<exec::MemoryGate> gate;
  if (classifier != nullptr) {
    // What is held is the local process's, not the function's: none here.
    exec::MemoryGate::Hooks hooks = ClassifierHooks(*classifier, plan.space);
    hooks.held = nullptr;
    hooks.release = nullptr;
    gate = std::make_unique<exec::MemoryGate>(*executor, limits, std::move(hooks));
  }
  return std::make_unique<TuneExecutor>(std::move(counter), std::move(executor), std::move(gate),
                                        [cancel] { cancel->CancelAll(); }, nullptr);
}

}  // namespace rungs::tune
