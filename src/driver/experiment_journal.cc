#include "driver/experiment_journal.h"

#include "driver/replay.h"
#include "driver/scheduler_from_record.h"

namespace rungs::driver {
namespace {

// The record's limits, with the driver's own jobs and dollars.
Result<RunBudget> StartBudget(const store::ExperimentRecord& record, const RunBudget& driver_limits) {
  Result<sched::Options> options = RecordOptions(record);
  if (!options.ok()) return options.error();
  RunBudget budget = BudgetOf(sched::LimitsOf(*options));
  budget.jobs = driver_limits.jobs;
  budget.dollars = driver_limits.dollars;
  return budget;
}

}  // namespace

Result<Experiment> OpenExperiment(const std::string& journal_path,
                                  const std::optional<store::ExperimentRecord>& new_record,
                                  const RunBudget& driver_limits) {
  Experiment experiment;
  if (new_record) {
    experiment.record = *new_record;
    Result<RunBudget> budget = StartBudget(experiment.record, driver_limits);
    if (!budget.ok()) return budget.error();
    experiment.budget = *budget;
    Result<std::unique_ptr<sched::Scheduler>> made = MakeSchedulerFromRecord(experiment.record);
    if (!made.ok()) return made.error();
    experiment.scheduler = std::move(*made);
    if (journal_path.empty()) return experiment;
    Result<store::Journal> created = store::Journal::Create(journal_path, experiment.record);
    if (!created.ok()) return created.error();
    experiment.journal.emplace(std::move(*created));
    return experiment;
  }
  Result<store::Journal> opened = store::Journal::Open(journal_path);
  if (!opened.ok()) return opened.error();
  store::Journal& journal = experiment.journal.emplace(std::move(*opened));
  experiment.record = journal.experiment();
  Result<RunBudget> start = StartBudget(experiment.record, driver_limits);
  if (!start.ok()) return start.error();
  Result<Replayed> replayed = Replay(journal, MakeSchedulerFromRecord, *start);
  if (!replayed.ok()) return replayed.error();
  experiment.scheduler = std::move(replayed->scheduler);
  experiment.resume = std::move(replayed->resume);
  experiment.budget = replayed->budget;
  ResumePoint& resume = experiment.resume;
  RUNGS_RETURN_IF_ERROR(journal.AddEvent(
      resume.next_seq++, store::EventKind::kResumed,
      std::to_string(resume.outstanding.size()) + " jobs reissued", resume.now));
  RUNGS_RETURN_IF_ERROR(journal.Commit());
  experiment.scheduler->CheckpointsLost();
  return experiment;
}

Status ChangeBudget(Experiment& experiment, const RunBudget& limits, std::string_view by) {
  if (limits == experiment.budget) return Status::Ok();
  store::Journal* journal = experiment.journal ? &*experiment.journal : nullptr;
  ResumePoint& at = experiment.resume;
  RUNGS_RETURN_IF_ERROR(ApplyBudget({limits, std::string(by)}, at.next_seq++, at.now, journal,
                                    *experiment.scheduler));
  if (journal != nullptr) RUNGS_RETURN_IF_ERROR(journal->Commit());
  experiment.budget = limits;
  return Status::Ok();
}

Status JournalFinished(store::Journal& journal, const Finished& finished, double now) {
  Result<store::JournalSummary> recorded = journal.Summary();
  if (!recorded.ok()) return recorded.error();
  nlohmann::json detail = finished.facts;
  detail["stopped_because"] = StopReasonName(finished.stopped_because);
  RUNGS_RETURN_IF_ERROR(
      journal.AddEvent(recorded->next_seq, store::EventKind::kFinished, detail.dump(), now));
  return journal.Commit();
}

Result<Finished> ParseFinished(const std::string& detail) {
  nlohmann::json json = nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    Result<StopReason> bare = ParseStopReason(detail);  // a journal from before the JSON detail
    if (!bare.ok()) return Fail("finished event: " + bare.message());
    return Finished{*bare, nlohmann::json::object()};
  }
  auto reason = json.find("stopped_because");
  if (reason == json.end() || !reason->is_string()) {
    return Fail("finished event: no stopped_because in " + detail);
  }
  Result<StopReason> parsed = ParseStopReason(reason->get<std::string>());
  if (!parsed.ok()) return Fail("finished event: " + parsed.message());
  Finished finished{*parsed, std::move(json)};
  finished.facts.erase("stopped_because");
  return finished;
}

}  // namespace rungs::driver
