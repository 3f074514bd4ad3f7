#include "tune/tune_run.h"

#include <chrono>
#include <filesystem>

#include "tune/best_model.h"
#include "tune/cross_check.h"
#include "tune/executor_choice.h"
#include "tune/experiment_dir.h"
#include "tune/local_data.h"
#include "tune/search_loop.h"
#include "tune/search_plan.h"
#include "tune/trainable.h"

namespace rungs::tune {

namespace {

// The validation rows the classifier's metric is a proportion over (its
// noise scale for the best trial's choice); 0 for the loss and a command.
Result<int64_t> ProportionRows(const SearchPlan& plan, Trainable& trainable) {
  if (!trainable.classifier() || plan.metric == trial::Metric::kLoss) return int64_t{0};
  Result<trial::TrainValid> data = trainable.data().Get(false);
  if (!data.ok()) return data.error();
  return data->valid->size();
}

// A resume that searched nothing keeps a finished run's outputs: making the
// end again would spend time to write another best.bin (a refit on several
// threads is not bit-for-bit the same) for the same search. Unless the
// resume asks for another end, or an output is missing.
bool KeepsFinishedOutputs(const TuneSpec& spec, const RunControl& control, const JournalView& view) {
  if (!control.resume || control.remake_end || !view.EndIsLast()) return false;
  std::vector<std::string> outputs = {"trials.csv", "report.html"};
  // best.bin when there is a best trial to write it from.
  if (spec.command.empty() && view.Best(/*maximize=*/true)) outputs.push_back("best.bin");
  for (const std::string& name : outputs) {
    if (!std::filesystem::exists(std::filesystem::path(spec.out) / name)) return false;
  }
  return true;
}

// The summary of a finished run whose outputs were kept, from its journal
// and the files it wrote.
Result<TuneSummary> KeptSummary(const TuneSpec& stored, const space::Space& space,
                                const JournalView& view) {
  Result<TuneSummary> summary = Summarise(stored, space, view);
  if (!summary.ok()) return summary;
  summary->kept = true;
  std::error_code error;
  const auto ftz = std::filesystem::file_size(std::filesystem::path(stored.out) / "best.ftz", error);
  if (!error) summary->ftz_bytes = static_cast<int64_t>(ftz);
  return summary;
}

// The local data files as the run finds them (`local`: `spec` with its data
// fetched), before it reads them. A resumed run refuses files changed since
// its record: the journaled trials were trained on what the record
// describes (an experiment made before the record is not checked).
Result<std::vector<DataFile>> DataFilesAtStart(const TuneSpec& spec, const TuneSpec& local,
                                               bool resume) {
  Result<std::vector<DataFile>> now = FindDataFiles(spec, local);
  if (!now.ok() || !resume) return now;
  Result<std::optional<std::vector<DataFile>>> recorded = ReadDataFiles(spec.out);
  if (!recorded.ok()) return Fail("--resume " + spec.out + ": " + recorded.message());
  if (!*recorded) return now;
  if (Status same = CheckUnchanged(**recorded, *now); !same.ok()) {
    return Fail("--resume " + spec.out + ": " + same.message());
  }
  return now;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Whether the last run ended with its budget spent (or nothing left to
// search) and no budget flag raises it: a resume would search nothing.
bool BudgetSpent(const RunControl& control, const JournalView& view) {
  if (!view.end || control.budget_flags != driver::RunBudget{}) return false;
  switch (view.end->stopped_because) {
    case driver::StopReason::kDone:
    case driver::StopReason::kMaxJobs:
    case driver::StopReason::kMaxSeconds:
    case driver::StopReason::kBudgetDollars:
      return true;
    case driver::StopReason::kStopRequested:  // a resume searches on
    case driver::StopReason::kJobsFailing:
      return false;
  }
  return false;
}

// How the data files recorded in `dir` changed since, at their recorded
// paths; "" when they did not or none were recorded.
std::string DataChangeIn(const std::string& dir) {
  Result<std::optional<std::vector<DataFile>>> recorded = ReadDataFiles(dir);
  if (!recorded.ok()) return recorded.message();
  if (!*recorded) return "";
  Result<std::vector<DataFile>> now = FindRecordedFiles(**recorded);
  if (!now.ok()) return now.message();
  return CheckUnchanged(**recorded, *now).message();
}

// A resume that will search nothing keeps the finished run's outputs, as
// its journal tells before any data is read (20 Newsgroups takes seconds
// to read and encode). Changed data files refuse no search: the summary
// notes them. nullopt: the run goes on.
Result<std::optional<TuneSummary>> KeptBeforeReading(const TuneSpec& given,
                                                     const RunControl& control,
                                                     const SearchPlan& plan) {
  Result<ExperimentLock> lock = ExperimentLock::Take(given.out);
  if (!lock.ok()) return lock.error();
  Result<store::Journal> journal = store::Journal::Open(JournalPath(given.out));
  if (!journal.ok()) return journal.error();
  Result<JournalView> view = ReadJournal(*journal);
  if (!view.ok()) return view.error();
  // A request waiting in the inbox (an extension, say) is the search's to take.
  Result<std::vector<store::Request>> requests = journal->PendingRequests();
  if (!requests.ok()) return requests.error();
  if (!requests->empty() || !BudgetSpent(control, *view) ||
      !KeepsFinishedOutputs(given, control, *view)) {
    return std::optional<TuneSummary>();
  }
  Result<TuneSummary> summary = KeptSummary(WithoutSecrets(given), plan.space, *view);
  if (!summary.ok()) return summary.error();
  summary->data_changed = DataChangeIn(given.out);
  return std::optional(std::move(*summary));
}

}  // namespace

Result<TuneSummary> RunTune(const TuneSpec& given, const RunControl& control) {
  // Checked before any work: nothing is written until the experiment opens.
  Result<SearchPlan> plan = PlanSearch(given, control.resume);
  if (!plan.ok()) return plan.error();
  Result<ExecutorSettings> settings = ResolveExecutor(given);
  if (!settings.ok()) return settings.error();
  if (control.resume) {
    Result<std::optional<TuneSummary>> kept = KeptBeforeReading(given, control, *plan);
    if (!kept.ok()) return kept.error();
    if (*kept) return std::move(**kept);
  }
  Result<TuneSpec> spec = WithLocalData(given, control.progress);
  if (!spec.ok()) return spec.error();
  const auto reading = std::chrono::steady_clock::now();
  Result<std::vector<DataFile>> data_files = DataFilesAtStart(given, *spec, control.resume);
  if (!data_files.ok()) return data_files.error();
  Result<std::unique_ptr<Trainable>> trainable =
      Trainable::Make(*spec, *plan, settings->side_by_side_bytes);
  if (!trainable.ok()) return trainable.error();
  Result<exec::MemoryLimits> limits = JobMemoryLimits(*settings, *spec);
  if (!limits.ok()) return limits.error();

  // The search, with the journal as its state, in a folder no other run uses.
  Result<ExperimentLock> lock = ExperimentLock::Take(given.out);
  if (!lock.ok()) return lock.error();
  // The search, with the journal as its state. What is written down keeps
  // no secrets; the workers are given the data locations as they are.
  const TuneSpec stored = WithoutSecrets(given);
  Result<driver::Experiment> experiment = OpenExperimentIn(
      stored, control.resume ? std::nullopt
                             : std::optional(NewExperiment{plan->record, *data_files}));
  if (!experiment.ok()) return experiment.error();
  if (control.resume) {
    RUNGS_RETURN_IF_ERROR(KeepNewBudget(control.budget_flags, given.out, *experiment));
  }
  store::Journal& journal = *experiment->journal;
  auto executor = MakeExecutor(*settings, given, *spec, *limits, *plan, **trainable, journal);
  if (!executor.ok()) return executor.error();
  Result<int64_t> rows = ProportionRows(*plan, **trainable);
  if (!rows.ok()) return rows.error();
  Result<EndCost> end_cost = EndCostFor(*spec, **trainable, *rows);
  if (!end_cost.ok()) return end_cost.error();
  // Reading and encoding the data counts against --budget-seconds (on 20
  // Newsgroups 2.6 s), as every later second of the command does; a
  // download does not (it is done once, into the cache).
  experiment->resume.now += SecondsSince(reading);
  Result<driver::LoopStats> stats =
      RunSearch(*spec, *experiment, **executor, plan->space, control, *end_cost, *rows);
  if (!stats.ok()) return stats.error();
  RUNGS_RETURN_IF_ERROR(SaveBudget(given.out, stats->progress.budget));

  // The results: the best model (cross-checked when the validation set is
  // small), how the run ended (journaled), the outputs.
  Result<JournalView> searched = ReadJournal(journal);
  if (!searched.ok()) return searched.error();
  if (KeepsFinishedOutputs(given, control, *searched)) {
    return KeptSummary(stored, plan->space, *searched);
  }
  searched->validation_rows = *rows;
  const double budget = stats->progress.budget.seconds;
  const auto ending = std::chrono::steady_clock::now();
  const double seconds_left = budget > 0 ? budget - stats->progress.now : kNoLimit;
  Result<std::vector<CrossChecked>> checked =
      CrossCheck(*spec, *plan, **trainable, *searched, seconds_left, limits->side_by_side,
                 control.progress == ProgressMode::kAuto);
  if (!checked.ok()) return checked.error();
  searched->cross_checked = *checked;
  const double overrun = budget > 0 ? budget * kRefitOverrun : 0;
  Result<BestModel> best = WriteBestModel(*spec, *plan, **trainable, *searched,
                                          seconds_left - SecondsSince(ending) + overrun);
  if (!best.ok()) return best.error();
  if (!given.keep_checkpoints) (*trainable)->RemoveSpilledCheckpoints();
  // The run ends when its end does (cross-check, refit, best.bin): the time
  // the summary gives, and what a --resume's budget counts on from.
  const double ended_at = stats->progress.now + SecondsSince(ending);
  RUNGS_RETURN_IF_ERROR(JournalRunEnd(journal, {stats->stopped_because, best->test_metric,
                                                best->refit, ended_at, *rows, *checked,
                                                stats->failure}));
  Result<JournalView> ended = ReadJournal(journal);
  if (!ended.ok()) return ended.error();
  RUNGS_RETURN_IF_ERROR(WriteReport(stored, plan->space, *ended));
  if (stats->stopped_because == driver::StopReason::kJobsFailing) {
    return Fail("stopped: " + stats->failure + " (every job is in " + given.out + "/trials.csv)");
  }
  Result<TuneSummary> summary = Summarise(stored, plan->space, *ended);
  if (summary.ok() && best->quantized) {
    summary->ftz_bytes = best->quantized->bytes;
    summary->ftz_test_metric = best->quantized->test_metric;
  }
  if (summary.ok()) summary->ftz_error = best->quantize_error;
  return summary;
}

}  // namespace rungs::tune
