#include "tune/search_loop.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>

#include "tune/tune_progress.h"
#include "tune/tune_run.h"

namespace rungs::tune {

double SearchSeconds(double budget_seconds, double end_seconds) {
  return budget_seconds - std::min(budget_seconds * kEndShare, end_seconds);
}

Result<driver::LoopStats> RunSearch(const TuneSpec& spec, driver::Experiment& experiment,
                                    TuneExecutor& executor, const space::Space& space,
                                    const RunControl& control, const EndCost& end_cost,
                                    int64_t validation_rows) {
  TuneProgress progress(control.progress, space, spec.metric);
  const double time_before = experiment.resume.now;
  // The end's own estimate for the costliest of the trials it may
  // cross-check and refit (the best may still change among them, even after
  // the stop: the final choice weighs noise, tune/best_choice.h); a slow
  // trial that ranks below them keeps nothing from the search.
  auto end_seconds = [&](double budget_seconds, double now) {
    const CandidateSeconds seconds =
        executor.SecondsOfCandidates(Maximize(spec), validation_rows, kCrossCheckCandidates);
    return EndSeconds(end_cost, seconds, budget_seconds, now);
  };
  // The search's end: what the end keeps (SearchSeconds), unless a job of
  // the search's best is running that would end within the budget at the
  // trial's pace: then the budget's end, as stopping abandoned that job
  // (20 Newsgroups: the best trial's 18-epoch job with 1 to 3 epochs left,
  // its pace estimate a few seconds short, bench/RESULTS.md); its result
  // moves the end again.
  auto search_end = [&](double budget_seconds, double now) {
    const std::optional<double> best_ends = executor.BestsRunningJobEndsAt(
        Maximize(spec), validation_rows, kCrossCheckCandidates);
    if (best_ends && time_before + *best_ends < budget_seconds) return budget_seconds;
    return SearchSeconds(budget_seconds, end_seconds(budget_seconds, now));
  };
  driver::LoopOptions options;
  options.budget = experiment.budget;
  options.dollars_spent = [&] { return executor.counts().dollars; };
  // The wall budget's end, as last handed to the executor: past it, the
  // jobs may be cancelled already, so the run ends even if an extension was
  // taken meanwhile (it holds for a --resume).
  double armed = std::numeric_limits<double>::infinity();
  options.stop_requested = [&](const driver::RunBudget& budget) -> std::optional<driver::StopReason> {
    const double now = time_before + executor.executor().Now();
    const double end = budget.seconds > 0 ? search_end(budget.seconds, now)
                                          : std::numeric_limits<double>::infinity();
    if (now >= end || now >= armed) {
      executor.CancelAll();
      return driver::StopReason::kMaxSeconds;
    }
    if (budget.seconds > 0 && end != armed) {
      armed = end;
      executor.CancelAt(armed - time_before);
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
