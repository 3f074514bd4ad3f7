#include "driver/simulation.h"

#include <malloc.h>

#include <chrono>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "driver/experiment_journal.h"
#include "driver/experiment_loop.h"
#include "driver/options_json.h"
#include "driver/scheduler_from_record.h"
#include "driver/simulation_objective.h"
#include "exec/simulated_executor.h"
#include "space/space.h"
#include "store/journal.h"

namespace rungs::driver {
namespace {

using Clock = std::chrono::steady_clock;

Status Check(const SimulationOptions& o) {
  auto bad = [](const std::string& flag, const std::string& problem) {
    return Status(Fail("simulate: --" + flag + " " + problem));
  };
  if (o.workers < 1 || o.workers > 10000000) {
    return bad("workers", "must be in [1, 10000000], got " + std::to_string(o.workers));
  }
  // The scheduler counts trials in an int64_t (sched::Options::max_trials).
  if (o.jobs < 1 || o.jobs > uint64_t(std::numeric_limits<int64_t>::max())) {
    return bad("jobs", "must be in [1, " + std::to_string(std::numeric_limits<int64_t>::max()) +
                           "], got " + std::to_string(o.jobs));
  }
  if (!(o.failure_rate >= 0 && o.failure_rate < 1)) {
    return bad("failure-rate", "must be in [0, 1), got " + std::to_string(o.failure_rate));
  }
  if (!(o.noise >= 0 && o.noise <= 1)) {
    return bad("noise", "must be in [0, 1], got " + std::to_string(o.noise));
  }
  if (o.resume && o.journal.empty()) return bad("resume", "needs --journal PATH");
  if (o.budget_epochs < 0) return bad("budget-epochs", "must not be negative");
  if (!(o.budget_seconds >= 0)) return bad("budget-seconds", "must not be negative");
  if (o.blackbox.empty() && !o.space.empty()) {
    return bad("space", "needs --blackbox (the synthetic objective has its own space)");
  }
  if (!o.blackbox.empty()) {
    if (o.space.empty() && !o.resume) return bad("blackbox", "needs --space FILE");
    if (o.failure_rate != 0) return bad("failure-rate", "is for the synthetic objective only");
    if (!(o.blackbox_timeout > 0)) return bad("blackbox-timeout", "must be positive");
  }
  return Status::Ok();
}

// The bytes malloc has handed out and not had back, process-wide.
size_t HeapInUse() { return mallinfo2().uordblks; }

// --scheduler-options with the flags' fields on top, checked as a journal's.
Result<sched::Options> SchedulerOptions(const SimulationOptions& o) {
  nlohmann::json merged = nlohmann::json::parse(o.scheduler_options, nullptr, false);
  if (!merged.is_object()) return Fail("simulate: --scheduler-options must be a JSON object");
  merged["min_epochs"] = o.min_epochs;
  merged["max_epochs"] = o.max_epochs;
  merged["eta"] = o.eta;
  merged["promotion"] = sched::PromotionName(o.promotion);
  merged["max_trials"] = int64_t(o.jobs);  // never the binding limit: --jobs is
  merged["budget_epochs"] = o.budget_epochs;
  merged["max_seconds"] = o.budget_seconds;
  return OptionsFromJson(merged, "--scheduler-options");
}

Result<store::ExperimentRecord> NewRecord(const SimulationOptions& o) {
  Result<sched::Options> options = SchedulerOptions(o);
  if (!options.ok()) return options.error();
  Result<std::string> space_toml = SimulationSpaceFor(o);
  if (!space_toml.ok()) return space_toml.error();
  store::ExperimentRecord record;
  record.id = "sim-" + std::to_string(std::time(nullptr)) + "-" + std::to_string(o.seed);
  record.name = o.blackbox.empty() ? "rungs simulate" : "rungs simulate --blackbox " + o.blackbox;
  record.space_toml = *space_toml;
  record.scheduler = o.scheduler;
  record.options_json = OptionsToJson(*options).dump();
  record.seed = o.seed;
  return record;
}

// Where simulate samples the scheduler's cost: half of and at each power of
// ten from 10^3 trials up to the run's size. A window of half the trials is
// wide enough that a preempted call or two does not dominate it.
std::vector<uint64_t> SamplePoints(uint64_t jobs) {
  std::vector<uint64_t> points;
  for (uint64_t n = 1000; n <= jobs; n *= 10) {
    points.push_back(n / 2);
    points.push_back(n);
  }
  return points;
}

nlohmann::json WindowCosts(const std::vector<Sample>& samples) {
  nlohmann::json at = nlohmann::json::object();
  for (size_t i = 0; i + 1 < samples.size(); i += 2) {
    const Sample& a = samples[i];
    const Sample& b = samples[i + 1];
    if (b.decisions == a.decisions) continue;
    at[std::to_string(b.trials)] =
        1e6 * (b.scheduler_seconds - a.scheduler_seconds) / double(b.decisions - a.decisions);
  }
  return at;
}

}  // namespace

Result<nlohmann::json> RunSimulation(const SimulationOptions& o) {
  RUNGS_RETURN_IF_ERROR(Check(o));
  std::optional<store::ExperimentRecord> new_record;
  if (!o.resume) {
    Result<store::ExperimentRecord> made = NewRecord(o);
    if (!made.ok()) return made.error();
    new_record = std::move(*made);
  }
  // --jobs is the total of every invocation, a resumed one's too: journaled
  // when it is not what the journal last said (an extend request's).
  RunBudget given;
  given.jobs = o.jobs;
  Result<Experiment> experiment = OpenExperiment(o.journal, std::move(new_record), given);
  if (!experiment.ok()) return Fail("simulate: " + experiment.message());
  RunBudget budget = experiment->budget;
  budget.jobs = o.jobs;
  RUNGS_RETURN_IF_ERROR(ChangeBudget(*experiment, budget, "--jobs"));
  const store::ExperimentRecord& record = experiment->record;
  std::optional<store::Journal>& journal = experiment->journal;
  ResumePoint& resume = experiment->resume;
  Result<sched::Options> options = RecordOptions(record);
  if (!options.ok()) return options.error();

  Result<SimulationObjective> objective = SimulationObjective::Make(o, record);
  if (!objective.ok()) return objective.error();
  exec::SimulatedExecutor executor(objective->objective(), o.workers, options->promotion);

  LoopOptions loop_options;
  loop_options.budget = experiment->budget;
  loop_options.sample_at_trials = SamplePoints(o.jobs);
  const uint64_t trials_before = resume.trials;
  const uint64_t results_before = resume.results;
  ExperimentLoop loop(*experiment->scheduler, executor, journal ? &*journal : nullptr,
                      loop_options, std::move(resume));

  const size_t heap_before = HeapInUse();
  Clock::time_point start = Clock::now();
  Result<LoopStats> stats = loop.Run();
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const size_t heap_after = HeapInUse();
  if (!stats.ok()) return stats.error();
  if (journal) {
    RUNGS_RETURN_IF_ERROR(JournalFinished(*journal, {stats->stopped_because}, stats->progress.now));
  }

  const Progress& p = stats->progress;
  const uint64_t new_trials = p.trials - trials_before;
  nlohmann::json report = {
      {"scheduler", record.scheduler},
      {"workers", o.workers},
      {"seed", record.seed},
      {"trials", p.trials},
      {"jobs", p.jobs},
      {"results", p.results},
      {"duplicates", p.duplicates},
      {"stopped_because", StopReasonName(stats->stopped_because)},
      {"decisions", stats->decisions},
      {"us_per_decision", stats->decisions ? 1e6 * stats->scheduler_seconds / stats->decisions : 0},
      {"us_per_job", p.jobs ? 1e6 * stats->scheduler_seconds / p.jobs : 0},
      {"us_per_decision_at_trials", WindowCosts(stats->samples)},
      {"bytes_per_trial",
       new_trials ? (double(heap_after) - double(heap_before)) / double(new_trials) : 0},
      {"bytes_measured_by", "mallinfo2().uordblks growth over the run / trials started in it"},
      {"virtual_seconds", p.now},
      {"wall_seconds", wall},
      {"objective", objective->Report()},
  };
  Result<space::Space> space = space::Space::FromToml(record.space_toml, "experiment space");
  report["config_bytes"] = space.ok() ? space->size() * sizeof(double) : 0;
  if (p.best) {
    report["best"] = {{"trial", p.best->trial},
                      {"rung", p.best->rung},
                      {"epochs", p.best->epochs},
                      {"metric", p.best->metric},
                      {"config", space.ok() ? space->ToJson(p.best->config) : nullptr}};
  } else {
    report["best"] = nullptr;
  }
  if (journal) {
    report["journal"] = {
        {"path", journal->path()},
        {"seconds", stats->journal_seconds},
        {"results_per_second", stats->journal_seconds > 0
                                   ? double(p.results - results_before) / stats->journal_seconds
                                   : 0},
    };
  }
  return report;
}

}  // namespace rungs::driver
