#include "tune/experiment_report.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "store/journal.h"
#include "tune/best_model.h"
#include "tune/experiment_dir.h"
#include "tune/tune_outputs.h"

namespace rungs::tune {
namespace {

// The best model's preprocessing: the built-in classifier's only.
Result<std::optional<text::Preprocessing>> BestPreprocessing(const TuneSpec& spec,
                                                             const space::Space& space,
                                                             const JournalView& view) {
  std::optional<BestTrial> best = view.Best(Maximize(spec));
  if (!best || !spec.command.empty()) return std::optional<text::Preprocessing>();
  Result<text::Preprocessing> preprocessing = PreprocessingOf(*best, space);
  if (!preprocessing.ok()) return preprocessing.error();
  return std::optional(*preprocessing);
}

// The budget as it is now, and each change the journal holds, for the summary.
void AddBudget(const TuneSpec& spec, const JournalView& view,
               std::vector<std::pair<std::string, std::string>>& summary) {
  const std::vector<BudgetChangeAt>& changes = view.budget_changes;
  summary.push_back({"budget", driver::BudgetText(view.BudgetNow(BudgetOf(spec)))});
  std::string made;
  for (const BudgetChangeAt& at : changes) {
    char when[32];
    std::snprintf(when, sizeof when, "at %.0f s", at.now);
    made += (made.empty() ? "" : "; ") + driver::BudgetText(at.change.budget) + " " + when +
            (at.change.by.empty() ? "" : " (" + at.change.by + ")");
  }
  if (!made.empty()) summary.push_back({"budget changes", made});
}

// Each steering action the journal holds (evolve now, stop), for the summary.
void AddSteering(const JournalView& view, std::vector<std::pair<std::string, std::string>>& summary) {
  std::string made;
  for (const SteerAt& at : view.steering) {
    char when[32];
    std::snprintf(when, sizeof when, " at %.0f s", at.now);
    made += (made.empty() ? "" : "; ") + at.action + when + (at.by.empty() ? "" : " (" + at.by + ")");
  }
  if (!made.empty()) summary.push_back({"steering", made});
}

// The title and summary lines of the report.
Result<OutputContext> ContextFor(const TuneSpec& spec, const space::Space& space,
                                 const JournalView& view) {
  OutputContext ctx;
  ctx.dir = spec.out;
  std::string scheduler(sched::MethodName(spec.scheduler));
  std::string data =
      spec.dataset.empty() ? std::filesystem::path(spec.train).filename().string() : spec.dataset;
  ctx.title = "rungs tune: " + data + " (" + scheduler + ")";
  ctx.metric = spec.metric;
  ctx.maximize = Maximize(spec);
  std::string held_out = std::to_string(static_cast<int>(std::lround(100 * spec.valid_fraction)));
  std::string workers = OnLambda(spec) ? "AWS Lambda: " + spec.function +
                                             (spec.qualifier.empty() ? "" : ":" + spec.qualifier)
                                       : "local";
  ctx.summary = {{"training data", spec.dataset.empty() ? spec.train : spec.dataset},
                 {"validation", spec.valid.empty() ? held_out + "% of training data" : spec.valid},
                 {"scheduler", scheduler},
                 {"workers", workers},
                 {"seed", std::to_string(spec.seed)}};
  if (view.end && view.end->test_metric) {
    ctx.summary.push_back({"test " + spec.metric + (view.end->refit ? " (refit)" : ""),
                           std::to_string(*view.end->test_metric)});
  }
  if (auto best = view.Best(ctx.maximize)) {
    ctx.summary.push_back({"best validation " + spec.metric, std::to_string(best->metric)});
  }
  if (const CrossChecked* checked = view.CrossCheckedBest(ctx.maximize)) {
    ctx.summary.push_back({"cross-validated " + spec.metric + " (best of " +
                               std::to_string(view.cross_checked.size()) + " trials)",
                           std::to_string(checked->metric)});
  }
  ctx.summary.push_back(
      {"trials / jobs", std::to_string(view.Trials()) + " / " + std::to_string(view.jobs.size())});
  ctx.summary.push_back({"epochs trained", std::to_string(view.EpochsTrained())});
  if (std::string failed = FailureCounts(view.FailuresByKind()); !failed.empty()) {
    ctx.summary.push_back({"jobs not finished ok", failed});
  }
  if (view.end) {
    ctx.summary.push_back(
        {"stopped because", std::string(driver::StopReasonText(view.end->stopped_because))});
  }
  AddBudget(spec, view, ctx.summary);
  AddSteering(view, ctx.summary);
  if (OnLambda(spec)) {
    OutputContext::Cost cost{view.GbSeconds(), view.GbSeconds() * spec.price_per_gb_second,
                             spec.price_per_gb_second};
    ctx.cost = cost;
    char line[128];
    std::snprintf(line, sizeof line, "$%.4f (%.1f GB-s at $%.10g per GB-s)", cost.dollars,
                  cost.gb_seconds, cost.price_per_gb_second);
    ctx.summary.push_back({"Lambda cost", line});
  }
  Result<std::optional<text::Preprocessing>> preprocessing = BestPreprocessing(spec, space, view);
  if (!preprocessing.ok()) return preprocessing.error();
  ctx.preprocessing = *preprocessing;
  return ctx;
}

}  // namespace

std::string FailureCounts(const std::vector<std::pair<std::string, uint64_t>>& failures) {
  uint64_t total = 0;
  std::string kinds;
  for (const auto& [kind, count] : failures) {
    total += count;
    kinds += (kinds.empty() ? "" : ", ") + std::to_string(count) + " " + kind;
  }
  return total == 0 ? "" : std::to_string(total) + " (" + kinds + ")";
}

Status WriteReport(const TuneSpec& spec, const space::Space& space, const JournalView& view) {
  Result<OutputContext> ctx = ContextFor(spec, space, view);
  if (!ctx.ok()) return ctx.error();
  return WriteOutputs(view, space, *ctx);
}

Result<report::ReportData> ReportDataOf(const TuneSpec& spec, const space::Space& space,
                                        const JournalView& view) {
  Result<OutputContext> ctx = ContextFor(spec, space, view);
  if (!ctx.ok()) return ctx.error();
  return ReportDataFor(view, space, *ctx);
}

Result<TuneSummary> Summarise(const TuneSpec& spec, const space::Space& space,
                              const JournalView& view) {
  TuneSummary summary;
  summary.out = spec.out;
  summary.best = view.Best(Maximize(spec));
  if (const CrossChecked* checked = view.CrossCheckedBest(Maximize(spec))) {
    summary.cross_checked = checked->metric;
    summary.cross_checked_of = view.cross_checked.size();
  }
  summary.trials = view.Trials();
  summary.jobs = view.jobs.size();
  summary.refused = view.Refused();
  summary.epochs = view.EpochsTrained();
  if (view.end) {
    summary.test_metric = view.end->test_metric;
    summary.refit = view.end->refit;
    summary.seconds = view.end->seconds;
    summary.stopped_because = view.end->stopped_because;
  }
  summary.failures = view.FailuresByKind();
  summary.lambda = OnLambda(spec);
  summary.gb_seconds = view.GbSeconds();
  summary.dollars = summary.gb_seconds * spec.price_per_gb_second;
  Result<std::optional<text::Preprocessing>> preprocessing = BestPreprocessing(spec, space, view);
  if (!preprocessing.ok()) return preprocessing.error();
  summary.preprocessing = *preprocessing;
  return summary;
}

Status RebuildReport(const std::string& dir) {
  Result<TuneSpec> spec = ReadSavedSpec(dir);
  if (!spec.ok()) return spec.error();
  // A damaged journal would give a report missing what it lost: refuse,
  // leaving the earlier outputs as they are.
  Result<store::Journal> journal = store::Journal::Open(JournalPath(dir));
  if (!journal.ok()) return Fail(journal.message() + "; the report was not rebuilt");
  Status intact = journal->CheckIntact();
  if (!intact.ok()) return Fail(intact.message() + "; the report was not rebuilt");
  Result<space::Space> space = space::Space::FromToml(journal->experiment().space_toml, journal->path());
  if (!space.ok()) return space.error();
  Result<JournalView> view = ReadJournal(*journal);
  if (!view.ok()) return Fail(view.message() + "; the report was not rebuilt");
  return WriteReport(*spec, *space, *view);
}

}  // namespace rungs::tune
