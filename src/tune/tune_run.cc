#include "tune/tune_run.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <thread>

#include "aws/credentials.h"
#include "base/text_file.h"
#include "aws/endpoint.h"
#include "driver/experiment_loop.h"
#include "driver/options_json.h"
#include "driver/replay.h"
#include "exec/lambda_executor.h"
#include "exec/local_executor.h"
#include "fetch/dataset.h"
#include "fetch/fetch.h"
#include "sched/factory.h"
#include "store/journal.h"
#include "text/fasttext_bin.h"
#include "trial/classifier_space.h"
#include "trial/classifier_trial.h"
#include "trial/command_line.h"
#include "trial/command_trial.h"
#include "tune/tune_outputs.h"
#include "worker/read_options_json.h"

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;

constexpr const char* kJournalFile = "journal.sqlite";
constexpr const char* kSpecFile = "experiment.json";

// Everything the run needs that follows from the spec, checked up front.
struct Prepared {
  std::string space_toml;
  std::unique_ptr<space::Space> space;
  sched::Options options;
  trial::Metric metric = trial::Metric::kAccuracy;
};

Result<Prepared> Prepare(const TuneSpec& spec) {
  RUNGS_RETURN_IF_ERROR(Validate(spec));
  Prepared p;
  std::string origin = spec.space_file.empty() ? "default classifier space" : spec.space_file;
  if (spec.space_file.empty()) {
    p.space_toml = std::string(trial::DefaultClassifierSpaceToml());
  } else {
    Result<std::string> text = ReadTextFile(spec.space_file);
    if (!text.ok()) return Fail("--space: " + text.message());
    p.space_toml = *text;
  }
  auto space = space::Space::FromToml(p.space_toml, origin);
  if (!space.ok()) return space.error();
  if (spec.command.empty()) {
    RUNGS_RETURN_IF_ERROR(trial::CheckClassifierSpace(*space));
    auto metric = trial::ParseMetric(spec.metric);
    if (!metric.ok()) return Fail("--metric: " + metric.message());
    p.metric = *metric;
  }
  p.space = std::make_unique<space::Space>(std::move(*space));
  auto options = SchedulerOptions(spec);
  if (!options.ok()) return options.error();
  p.options = *options;
  auto probe = sched::MakeScheduler(spec.scheduler, p.options, *p.space, spec.seed);
  if (!probe.ok()) return Fail("--scheduler: " + probe.message());
  return p;
}

std::string ExperimentId(uint64_t seed) {
  std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&t));
  return std::string("tune-") + stamp + "-" + std::to_string(seed);
}

trial::DataSpec DataFor(const TuneSpec& spec) {
  trial::DataSpec data;
  data.train = spec.train;
  data.valid = spec.valid;
  data.valid_fraction = spec.valid_fraction;
  data.split_seed = spec.seed;
  data.read = spec.read;
  return data;
}

trial::TrialOptions TrialOptionsFor(const TuneSpec& spec, trial::Metric metric) {
  trial::TrialOptions options;
  options.base.thread = spec.threads;
  options.base.seed = static_cast<int>(spec.seed);
  options.base.verbose = 0;
  options.metric = metric;
  options.checkpoint_memory_bytes = spec.checkpoint_memory_mb << 20;
  return options;
}

// Trains the best trial's jobs again, in order, to rebuild its model: its
// checkpoint was lost (a resumed run), was never here (Lambda), or the data
// changed (refit). Jobs before the last one that starts from scratch are
// skipped: with restart promotion, that is just the trial's last job.
Result<text::Model> Retrain(const JournalView& view, uint32_t trial_id, int epochs,
                            const space::Space& space, trial::ClassifierData& data,
                            trial::TrialOptions options) {
  options.checkpoint_memory_bytes = int64_t{1} << 40;  // keep the one checkpoint this needs
  trial::ClassifierTrial trial(space, data, options);
  std::vector<const sched::Job*> jobs;
  for (const JobRow& row : view.jobs) {
    if (row.job.trial != trial_id || row.job.epochs_to > epochs) continue;
    if (row.job.epochs_from == 0) jobs.clear();
    jobs.push_back(&row.job);
  }
  for (const sched::Job* job : jobs) {
    sched::JobResult r = trial.Run(*job, nullptr);
    if (r.outcome != sched::Outcome::kOk) {
      return Fail("retraining trial " + std::to_string(trial_id) + " failed: " + r.error);
    }
  }
  auto best = trial.BestModel();
  if (!best) return Fail("retraining trial " + std::to_string(trial_id) + " gave no model");
  return std::move(best->second);
}

Result<double> TestMetric(const TuneSpec& spec, const text::Model& model, const BestTrial& best,
                          const space::Space& space, trial::Metric metric) {
  auto settings = trial::SettingsFor(space, best.config, text::TrainArgs{});
  if (!settings.ok()) return settings.error();
  text::ReadOptions read = spec.read;
  read.normalize = settings->normalize;
  auto test = text::Corpus::Load(spec.test, read);
  if (!test.ok()) return Fail("--test: " + test.message());
  return trial::ScoreModel(model, **test, metric);
}

// Counts jobs per rung and what they cost, as they pass between the loop
// and the executor (CountingExecutor); starts from what the journal holds.
// Used by the driver thread only.
class RungCounter {
 public:
  RungCounter(const JournalView& view, double price_per_gb_second) : price_(price_per_gb_second) {
    for (const JobRow& row : view.jobs) {
      if (row.result) Count(row.job.epochs_to, *row.result);
    }
  }
  void Started(const sched::Job& job) {
    counts_.running[job.epochs_to]++;
    epochs_of_running_[job.id] = job.epochs_to;
  }
  void Finished(const sched::JobResult& r) {
    auto it = epochs_of_running_.find(r.job);
    if (it == epochs_of_running_.end()) return;
    int epochs = it->second;
    epochs_of_running_.erase(it);
    if (--counts_.running[epochs] == 0) counts_.running.erase(epochs);
    Count(epochs, r);
  }
  const RungCounts& counts() const { return counts_; }

 private:
  void Count(int epochs, const sched::JobResult& r) {
    counts_.finished[epochs]++;
    counts_.epochs_trained += r.epochs_trained;
    counts_.gb_seconds += exec::GbSeconds(r.billed_ms, r.memory_mb);
    counts_.dollars = counts_.gb_seconds * price_;
  }

  const double price_;
  RungCounts counts_;
  std::unordered_map<uint64_t, int> epochs_of_running_;  // job id -> epochs_to
};

// An executor that tells a RungCounter what starts and finishes on the one
// it wraps.
class CountingExecutor : public exec::Executor {
 public:
  CountingExecutor(exec::Executor& inner, RungCounter& counter) : inner_(inner), counter_(counter) {}

  int capacity() const override { return inner_.capacity(); }
  sched::Promotion promotion() const override { return inner_.promotion(); }
  Status Submit(const sched::Job& job) override {
    RUNGS_RETURN_IF_ERROR(inner_.Submit(job));
    counter_.Started(job);
    return Status::Ok();
  }
  Result<std::vector<sched::JobResult>> Wait(double timeout_seconds) override {
    Result<std::vector<sched::JobResult>> results = inner_.Wait(timeout_seconds);
    if (results.ok()) {
      for (const sched::JobResult& r : *results) counter_.Finished(r);
    }
    return results;
  }
  double Now() const override { return inner_.Now(); }

 private:
  exec::Executor& inner_;
  RungCounter& counter_;
};

// The Lambda executor's settings: the function, and the region, endpoint and
// credentials resolved the AWS way. Fails before any work when one is missing.
Result<exec::LambdaOptions> LambdaOptionsFor(const TuneSpec& spec) {
  Result<std::string> region = aws::ResolveRegion(spec.region);
  if (!region.ok()) return Fail("--region: " + region.message());
  Result<aws::Credentials> credentials = aws::LoadCredentials();
  if (!credentials.ok()) return Fail("AWS credentials: " + credentials.message());
  exec::LambdaOptions options;
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
  return options;
}

// Where Lambda workers find the data: the locations as the user gave them
// (s3://, https:// or a path inside the function's package), except that a
// named data set is its local files, which only a local emulator can read.
sched::DataLocations WorkerData(const TuneSpec& given, const TuneSpec& local) {
  sched::DataLocations data;
  data.train = given.train.empty() ? fs::absolute(local.train).string() : given.train;
  data.valid = given.valid;
  data.valid_fraction = given.valid_fraction;
  data.split_seed = given.seed;
  data.read = worker::ReadOptionsToJson(given.read);
  return data;
}

// The experiment's cost for best.json and the report, when it ran on Lambda.
void AddCost(OutputContext& ctx, const TuneSpec& spec, const JournalView& view) {
  if (!OnLambda(spec)) return;
  OutputContext::Cost cost{view.GbSeconds(), view.GbSeconds() * spec.price_per_gb_second,
                           spec.price_per_gb_second};
  ctx.cost = cost;
  char line[128];
  std::snprintf(line, sizeof line, "$%.4f (%.1f GB-s at $%.10g per GB-s)", cost.dollars, cost.gb_seconds,
                cost.price_per_gb_second);
  ctx.summary.push_back({"Lambda cost", line});
}

Status SaveSpec(const TuneSpec& spec) {
  return WriteFileAtomically((fs::path(spec.out) / kSpecFile).string(), SpecToJson(spec).dump(2) + "\n");
}

OutputContext ContextFor(const TuneSpec& spec) {
  OutputContext ctx;
  ctx.dir = spec.out;
  std::string data = spec.dataset.empty() ? fs::path(spec.train).filename().string() : spec.dataset;
  ctx.title = "rungs tune: " + data + " (" + spec.scheduler + ")";
  ctx.metric = spec.metric;
  ctx.maximize = Maximize(spec);
  ctx.summary = {{"training data", spec.dataset.empty() ? spec.train : spec.dataset},
                 {"validation", spec.valid.empty() ? std::to_string(static_cast<int>(std::lround(100 * spec.valid_fraction))) + "% of training data"
                                                   : spec.valid},
                 {"scheduler", spec.scheduler},
                 {"workers", OnLambda(spec) ? "AWS Lambda: " + spec.function + (spec.qualifier.empty() ? "" : ":" + spec.qualifier)
                                            : "local"},
                 {"seed", std::to_string(spec.seed)}};
  return ctx;
}

// The spec with local files for its data: a named data set resolved (local
// folder, cache or download) and URLs and s3:// objects downloaded into the
// cache.
Result<TuneSpec> WithLocalData(TuneSpec spec, ProgressMode mode) {
  fetch::FetchOptions fetch_options;
  fetch_options.progress = mode == ProgressMode::kAuto ? fetch::ProgressMode::kAuto : fetch::ProgressMode::kNever;
  if (!spec.dataset.empty()) {
    fetch::DatasetOptions options;
    options.local_root = spec.data_dir;
    options.fetch = fetch_options;
    auto files = fetch::ResolveDataset(spec.dataset, options);
    if (!files.ok()) return Fail("--dataset: " + files.message());
    if (spec.train.empty()) spec.train = files->train;
    if (spec.test.empty()) spec.test = files->test;
  }
  for (std::string* data : {&spec.train, &spec.valid, &spec.test}) {
    // s3:// too: the best trial is retrained here, and the data checked first.
    if (data->empty() || !(fetch::IsHttpUrl(*data) || data->rfind("s3://", 0) == 0)) continue;
    auto local = fetch::Fetch(*data, fetch_options);
    if (!local.ok()) return local.error();
    *data = *local;
  }
  return spec;
}

}  // namespace

Result<TuneSpec> ReadSavedSpec(const std::string& dir) {
  std::string path = (fs::path(dir) / kSpecFile).string();
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return Fail(dir + " holds no rungs experiment (" + text.message() + ")");
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Fail(path + ": not valid JSON");
  auto spec = SpecFromJson(json, path);
  if (!spec.ok()) return spec.error();
  spec->out = dir;
  return spec;
}

Result<TuneSummary> RunTune(const TuneSpec& given, const RunControl& control) {
  Result<Prepared> prepared = Prepare(given);
  if (!prepared.ok()) return prepared.error();
  const space::Space& space = *prepared->space;
  const std::string journal_path = (fs::path(given.out) / kJournalFile).string();
  if (!control.resume && fs::exists(journal_path)) {
    return Fail("--out " + given.out + " holds another experiment; continue it with --resume " +
                given.out + " or choose another folder");
  }
  std::optional<exec::LambdaOptions> lambda_options;
  if (OnLambda(given)) {
    auto options = LambdaOptionsFor(given);
    if (!options.ok()) return options.error();
    lambda_options = std::move(*options);
  }
  Result<TuneSpec> local = WithLocalData(given, control.progress);
  if (!local.ok()) return local.error();
  const TuneSpec& spec = *local;

  // The trainable, checked (data read, command parsed) before any work.
  std::optional<trial::ClassifierData> data;
  std::optional<trial::ClassifierTrial> classifier;
  std::optional<trial::CommandTrial> command;
  trial::TrialOptions trial_options = TrialOptionsFor(spec, prepared->metric);
  if (spec.command.empty()) {
    data.emplace(DataFor(spec));
    if (auto corpora = data->Get(false); !corpora.ok()) return corpora.error();
    classifier.emplace(space, *data, trial_options);
  } else {
    auto argv = trial::SplitCommandLine(spec.command);
    if (!argv.ok()) return Fail("--command: " + argv.message());
    auto created = trial::CommandTrial::Create(
        space, {*argv, fs::path(spec.out) / "trials", spec.metric, spec.seed});
    if (!created.ok()) return Fail("--command: " + created.message());
    command.emplace(std::move(*created));
  }
  std::error_code error;
  fs::create_directories(spec.out, error);
  if (error) return Fail("cannot create --out " + spec.out + ": " + error.message());

  auto factory = [&](const store::ExperimentRecord&) {
    return sched::MakeScheduler(spec.scheduler, prepared->options, space, spec.seed);
  };
  std::unique_ptr<sched::Scheduler> scheduler;
  driver::ResumePoint resume;
  std::optional<store::Journal> journal;
  if (control.resume) {
    auto opened = store::Journal::Open(journal_path);
    if (!opened.ok()) return opened.error();
    journal.emplace(std::move(*opened));
    auto replayed = driver::Replay(*journal, factory);
    if (!replayed.ok()) return replayed.error();
    scheduler = std::move(replayed->scheduler);
    resume = std::move(replayed->resume);
    RUNGS_RETURN_IF_ERROR(journal->AddEvent(resume.next_seq++, store::EventKind::kResumed, "", resume.now));
    RUNGS_RETURN_IF_ERROR(journal->Commit());
  } else {
    store::ExperimentRecord record;
    record.id = ExperimentId(spec.seed);
    record.name = fs::path(spec.out).filename().string();
    record.space_toml = prepared->space_toml;
    record.scheduler = spec.scheduler;
    record.options_json = driver::OptionsToJson(prepared->options).dump();
    record.seed = spec.seed;
    auto created = store::Journal::Create(journal_path, record);
    if (!created.ok()) return created.error();
    journal.emplace(std::move(*created));
    RUNGS_RETURN_IF_ERROR(SaveSpec(given));  // as given: URLs and data set names, not cache paths
    auto made = factory(record);
    if (!made.ok()) return made.error();
    scheduler = std::move(*made);
  }

  auto before = ReadJournal(*journal);
  if (!before.ok()) return before.error();
  RungCounter counter(*before, spec.price_per_gb_second);
  // Local threads run the trainable here; Lambda sends each job to a worker.
  std::unique_ptr<exec::LocalExecutor> local_executor;
  std::unique_ptr<exec::LambdaExecutor> lambda_executor;
  exec::Executor* inner = nullptr;
  std::function<void()> cancel_all;
  if (lambda_options) {
    const std::string experiment_id = journal->experiment().id;
    const sched::DataLocations worker_data = WorkerData(given, spec);
    lambda_executor = std::make_unique<exec::LambdaExecutor>(*lambda_options, [&, experiment_id, worker_data](const sched::Job& job) {
      sched::JobEnvelope envelope;
      envelope.experiment = experiment_id;
      envelope.job = job;
      envelope.config = space.ToJson(job.config);
      envelope.data = worker_data;
      envelope.task = {spec.metric, spec.threads};
      envelope.seed = spec.seed;
      return envelope;
    });
    inner = lambda_executor.get();
    cancel_all = [&] { lambda_executor->CancelAll(); };
  } else {
    int workers = spec.workers > 0 ? spec.workers : std::max(1u, std::thread::hardware_concurrency());
    local_executor = std::make_unique<exec::LocalExecutor>(
        workers, prepared->options.promotion, [&](const sched::Job& job, const std::atomic<bool>* cancel) {
          return classifier ? classifier->Run(job, cancel) : command->Run(job, cancel);
        });
    inner = local_executor.get();
    cancel_all = [&] { local_executor->CancelAll(); };
  }
  CountingExecutor executor(*inner, counter);

  TuneProgress progress(control.progress,
                        Budget{spec.budget_epochs, spec.budget_seconds, spec.max_trials, spec.budget_dollars},
                        space, spec.metric);
  driver::LoopOptions loop_options;
  // A wall budget is a promise to the user: at its end, running jobs are
  // stopped too (they come back as timeouts) instead of running on. Money
  // already spent is not given back by stopping, so at the end of a dollar
  // budget running jobs finish.
  bool out_of_money = false;
  loop_options.stop_requested = [&] {
    bool out_of_time = spec.budget_seconds > 0 && resume.now + executor.Now() >= spec.budget_seconds;
    if (out_of_time) cancel_all();
    out_of_money = out_of_money || (spec.budget_dollars > 0 && counter.counts().dollars >= spec.budget_dollars);
    return out_of_time || out_of_money || (control.stop_requested && control.stop_requested());
  };
  loop_options.evolution_requested = control.evolution_requested;
  loop_options.progress_interval = 0.25;
  loop_options.on_progress = [&](const driver::Progress& p) { progress.Update(p, counter.counts()); };
  driver::ExperimentLoop loop(*scheduler, executor, &*journal, loop_options, resume);
  Result<driver::LoopStats> stats = loop.Run();
  progress.Finish();
  if (!stats.ok()) return stats.error();
  auto recorded = journal->Summary();
  if (!recorded.ok()) return recorded.error();
  RUNGS_RETURN_IF_ERROR(journal->AddEvent(recorded->next_seq, store::EventKind::kFinished,
                                          stats->stopped_because, stats->progress.now));
  RUNGS_RETURN_IF_ERROR(journal->Commit());

  // Outputs, all from the journal.
  auto view = ReadJournal(*journal);
  if (!view.ok()) return view.error();
  TuneSummary summary;
  summary.out = spec.out;
  summary.trials = stats->progress.trials;
  summary.jobs = stats->progress.jobs;
  summary.epochs = view->EpochsTrained();
  summary.seconds = stats->progress.now;
  summary.stopped_because = out_of_money ? "budget_dollars" : stats->stopped_because;
  summary.best = view->Best(Maximize(spec));
  summary.gb_seconds = view->GbSeconds();
  summary.dollars = summary.gb_seconds * spec.price_per_gb_second;
  summary.lambda = OnLambda(spec);
  OutputContext ctx = ContextFor(spec);
  if (summary.best && classifier) {
    const BestTrial& best = *summary.best;
    std::optional<text::Model> model;
    if (auto held = classifier->BestModel(); held && held->first == best.trial) {
      model = std::move(held->second);
    }
    if (spec.refit) {
      trial::DataSpec both = DataFor(spec);
      both.train_on_valid_too = true;
      trial::ClassifierData refit_data(both);
      auto refit = Retrain(*view, best.trial, best.epochs, space, refit_data, trial_options);
      if (!refit.ok()) return Fail("--refit: " + refit.message());
      model = std::move(*refit);
      summary.refit = true;
    } else if (!model) {
      auto retrained = Retrain(*view, best.trial, best.epochs, space, *data, trial_options);
      if (!retrained.ok()) return retrained.error();
      model = std::move(*retrained);
    }
    RUNGS_RETURN_IF_ERROR(text::SaveFastTextBin(*model, (fs::path(spec.out) / "best.bin").string()));
    if (!spec.test.empty()) {
      auto test = TestMetric(spec, *model, best, space, prepared->metric);
      if (!test.ok()) return test.error();
      summary.test_metric = *test;
      ctx.summary.push_back({"test " + spec.metric + (summary.refit ? " (refit)" : ""),
                             std::to_string(*test)});
    }
  }
  if (summary.best) ctx.summary.push_back({"best validation " + spec.metric, std::to_string(summary.best->metric)});
  ctx.summary.push_back({"trials / jobs", std::to_string(summary.trials) + " / " + std::to_string(summary.jobs)});
  ctx.summary.push_back({"epochs trained", std::to_string(summary.epochs)});
  ctx.summary.push_back({"stopped because", summary.stopped_because});
  AddCost(ctx, spec, *view);
  RUNGS_RETURN_IF_ERROR(WriteOutputs(*view, space, ctx));
  return summary;
}

Status RebuildReport(const std::string& dir) {
  auto spec = ReadSavedSpec(dir);
  if (!spec.ok()) return spec.error();
  auto journal = store::Journal::Open((fs::path(dir) / kJournalFile).string());
  if (!journal.ok()) return journal.error();
  auto space = space::Space::FromToml(journal->experiment().space_toml, "journal space");
  if (!space.ok()) return space.error();
  auto view = ReadJournal(*journal);
  if (!view.ok()) return view.error();
  OutputContext ctx = ContextFor(*spec);
  if (auto best = view->Best(ctx.maximize)) {
    ctx.summary.push_back({"best validation " + spec->metric, std::to_string(best->metric)});
  }
  ctx.summary.push_back({"epochs trained", std::to_string(view->EpochsTrained())});
  AddCost(ctx, *spec, *view);
  return WriteOutputs(*view, *space, ctx);
}

}  // namespace rungs::tune
