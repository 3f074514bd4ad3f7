#include "tune/search_loop.h"

#include <cstdio>

#include "tune/tune_progress.h"
#include "tune/tune_run.h"

namespace rungs::tune {

Result<driver::LoopStats> RunSearch(const TuneSpec& spec, driver::Experiment& experiment,
                                    TuneExecutor& executor, const space::Space& space,
                                    const RunControl& control) {
  TuneProgress progress(control.progress,
                        Budget{spec.budget_epochs, spec.budget_seconds, spec.max_trials,
                               spec.budget_dollars},
                        space, spec.metric);
  const double time_before = experiment.resume.now;
  driver::LoopOptions options;
  options.stop_requested = [&]() -> std::optional<driver::StopReason> {
    if (spec.budget_seconds > 0 && time_before + executor.executor().Now() >= spec.budget_seconds) {
      executor.CancelAll();
      return driver::StopReason::kMaxSeconds;
    }
    if (spec.budget_dollars > 0 && executor.counts().dollars >= spec.budget_dollars) {
      return driver::StopReason::kBudgetDollars;
    }
    if (control.stop_requested && control.stop_requested()) return driver::StopReason::kStopRequested;
    return std::nullopt;
  };
  options.on_stopping = [&](driver::StopReason reason, uint64_t running) {
    if (reason != driver::StopReason::kStopRequested) return;
    std::fprintf(stderr,
                 "\nrungs tune: stopping: finishing %llu running job%s; press Ctrl-C again to "
                 "abandon %s (rungs tune --resume %s continues)\n",
                 static_cast<unsigned long long>(running), running == 1 ? "" : "s",
                 running == 1 ? "it" : "them", spec.out.c_str());
  };
  options.evolution_requested = control.evolution_requested;
  options.stop_when_failing = true;
  options.progress_interval = 0.25;
  options.on_progress = [&](const driver::Progress& p) { progress.Update(p, executor.counts()); };
  driver::ExperimentLoop loop(*experiment.scheduler, executor.executor(), &*experiment.journal,
                              options, std::move(experiment.resume));
  Result<driver::LoopStats> stats = loop.Run();
  progress.Finish();
  return stats;
}

}  // namespace rungs::tune
