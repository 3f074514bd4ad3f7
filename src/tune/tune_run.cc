#include "tune/tune_run.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "driver/experiment_loop.h"
#include "driver/options_json.h"
#include "driver/replay.h"
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

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;

constexpr const char* kJournalFile = "journal.sqlite";
constexpr const char* kSpecFile = "experiment.json";

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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
    Result<std::string> text = ReadFile(spec.space_file);
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
// checkpoint was lost (a resumed run) or the data changed (refit).
Result<text::Model> Retrain(const JournalView& view, uint32_t trial_id, int epochs,
                            const space::Space& space, trial::ClassifierData& data,
                            trial::TrialOptions options) {
  options.checkpoint_memory_bytes = int64_t{1} << 40;  // keep the one checkpoint this needs
  trial::ClassifierTrial trial(space, data, options);
  for (const JobRow& row : view.jobs) {
    if (row.job.trial != trial_id || row.job.epochs_to > epochs) continue;
    sched::JobResult r = trial.Run(row.job, nullptr);
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

class RungCounter {
 public:
  explicit RungCounter(const JournalView& view) {
    for (const JobRow& row : view.jobs) {
      if (!row.result) continue;
      counts_.finished[row.job.epochs_to]++;
      counts_.epochs_trained += row.result->epochs_trained;
    }
  }
  void Started(const sched::Job& job) {
    std::lock_guard<std::mutex> lock(mu_);
    counts_.running[job.epochs_to]++;
  }
  void Finished(const sched::Job& job, const sched::JobResult& r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (--counts_.running[job.epochs_to] == 0) counts_.running.erase(job.epochs_to);
    counts_.finished[job.epochs_to]++;
    counts_.epochs_trained += r.epochs_trained;
  }
  RungCounts Snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_;
  }

 private:
  mutable std::mutex mu_;
  RungCounts counts_;  // GUARDED_BY(mu_)
};

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
                 {"seed", std::to_string(spec.seed)}};
  return ctx;
}

// The spec with local files for its data: a named data set resolved (local
// folder, cache or download) and URLs downloaded into the cache.
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
    if (data->empty() || !fetch::IsHttpUrl(*data)) continue;
    auto local = fetch::Fetch(*data, fetch_options);
    if (!local.ok()) return local.error();
    *data = *local;
  }
  return spec;
}

}  // namespace

Result<TuneSpec> ReadSavedSpec(const std::string& dir) {
  std::string path = (fs::path(dir) / kSpecFile).string();
  Result<std::string> text = ReadFile(path);
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
  RungCounter counter(*before);
  int workers = spec.workers > 0 ? spec.workers : std::max(1u, std::thread::hardware_concurrency());
  exec::LocalExecutor executor(workers, prepared->options.promotion,
                               [&](const sched::Job& job, const std::atomic<bool>* cancel) {
                                 counter.Started(job);
                                 sched::JobResult r =
                                     classifier ? classifier->Run(job, cancel) : command->Run(job, cancel);
                                 counter.Finished(job, r);
                                 return r;
                               });

  TuneProgress progress(control.progress, Budget{spec.budget_epochs, spec.budget_seconds, spec.max_trials},
                        space, spec.metric);
  driver::LoopOptions loop_options;
  // A wall budget is a promise to the user: at its end, running jobs are
  // stopped too (they come back as timeouts) instead of running on.
  loop_options.stop_requested = [&] {
    bool out_of_time = spec.budget_seconds > 0 && resume.now + executor.Now() >= spec.budget_seconds;
    if (out_of_time) executor.CancelAll();
    return out_of_time || (control.stop_requested && control.stop_requested());
  };
  loop_options.evolution_requested = control.evolution_requested;
  loop_options.progress_interval = 0.25;
  loop_options.on_progress = [&](const driver::Progress& p) { progress.Update(p, counter.Snapshot()); };
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
  summary.stopped_because = stats->stopped_because;
  summary.best = view->Best(Maximize(spec));
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
  return WriteOutputs(*view, *space, ctx);
}

}  // namespace rungs::tune
