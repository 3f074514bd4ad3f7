#include "tune/cross_check.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tune/best_model.h"
#include "tune/warning.h"

namespace rungs::tune {
namespace {

// An estimate of seconds with room for what it leaves out: cancelled jobs
// coming back, the data read again.
double WithMargin(double seconds) { return 1.1 * seconds + 1.0; }

bool Applies(const TuneSpec& spec, int64_t validation_rows) {
  return spec.cross_check > 0 && validation_rows > 0 && validation_rows < kCrossCheckRows;
}

// Whether the cross-checks of candidates whose trials took
// `trial_seconds`, each costing per_candidate times that, and then the
// refit of the costliest, fit in `seconds`.
bool Fits(const EndCost& cost, const std::vector<double>& trial_seconds, double seconds) {
  double total = 0, longest = 0;
  for (double t : trial_seconds) {
    total += cost.per_candidate * t;
    longest = std::max(longest, t);
  }
  return total + WithMargin(cost.refit * longest) <= seconds;
}

// The first candidates whose cross-check fits in `seconds` with the refit.
std::vector<BestTrial> ThoseThatFit(const EndCost& cost, const JournalView& view,
                                    std::vector<BestTrial> candidates, double seconds) {
  std::vector<double> trial_seconds;
  size_t fit = 0;
  for (const BestTrial& c : candidates) {
    trial_seconds.push_back(TrialSeconds(view, c));
    if (!Fits(cost, trial_seconds, seconds)) break;
    ++fit;
  }
  candidates.resize(fit);
  return candidates;
}

// Per candidate: its metric summed over the rows it was scored on, those
// rows, and whether a fold failed it.
struct Totals {
  explicit Totals(size_t n) : sum(n, 0), rows(n, 0), failed(n, false) {}
  std::vector<double> sum;
  std::vector<int64_t> rows;
  std::vector<bool> failed;
};

// Trains each candidate on all but part `fold` and scores it on that part.
Status ScoreFold(const TuneSpec& spec, const SearchPlan& plan, const JournalView& view,
                 const std::vector<BestTrial>& candidates, const trial::TrialOptions& options,
                 int fold, Totals& totals) {
  trial::DataSpec data_spec = DataFor(spec);
  data_spec.folds = spec.cross_check;
  data_spec.fold = fold;
  trial::ClassifierData fold_data(data_spec);
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (totals.failed[i]) continue;
    Result<text::Preprocessing> preprocessing = PreprocessingOf(candidates[i], plan.space);
    if (!preprocessing.ok()) return preprocessing.error();
    Result<trial::TrainValid> data = fold_data.Get(preprocessing->normalize);
    if (!data.ok()) return data.error();
    Result<text::Model> model = Retrain(view, candidates[i], plan.space, fold_data, options);
    Result<double> metric =
        model.ok() ? trial::ScoreModel(*model, *data->valid, plan.metric) : model.error();
    if (!metric.ok()) {
      Warn("cross-check, fold " + std::to_string(fold + 1) + ": " + metric.message() +
           "; trial " + std::to_string(candidates[i].trial) + " is left out");
      totals.failed[i] = true;
      continue;
    }
    totals.sum[i] += *metric * double(data->valid->size());
    totals.rows[i] += data->valid->size();
  }
  return Status::Ok();
}

}  // namespace

EndCost EndCostOf(const TuneSpec& spec, int64_t validation_rows, double refit_scale,
                  double pooled_scale) {
  return {refit_scale, Applies(spec, validation_rows) ? (spec.cross_check - 1) * pooled_scale : 0};
}

double EndSeconds(const EndCost& cost, CandidateSeconds seconds, double budget_seconds,
                  double now) {
  const double most = seconds.most;
  if (most <= 0) return 0;
  const double cap = budget_seconds * kEndShare;
  // A refit that would not fit with its overrun, were the search stopped at
  // the earliest end it may have (or now, when a late result made that
  // past), is given no time (nor is a cross-check, which costs more): the
  // refit would be skipped all the same, and keeping the time for it ended
  // 60 s runs 9 and 15 s early (bench/RESULTS.md).
  const double stop = std::max(now, budget_seconds - cap);
  if (WithMargin(cost.refit * seconds.best) > budget_seconds * (1 + kRefitOverrun) - stop) {
    return WithMargin(0);
  }
  for (size_t n = kCrossCheckCandidates; n >= 2 && cost.per_candidate > 0; --n) {
    const double checking = double(n) * cost.per_candidate * most;
    const double end = WithMargin(cost.refit * most + checking);
    if (WithMargin(checking) <= budget_seconds / 10 && end <= budget_seconds * kCheckedEndShare) {
      return end;
    }
  }
  return std::min(cap, WithMargin(cost.refit * seconds.best));
}

Result<std::vector<CrossChecked>> CrossCheck(const TuneSpec& spec, const SearchPlan& plan,
                                             Trainable& trainable, const JournalView& view,
                                             double seconds, bool say) {
  std::vector<CrossChecked> checked;
  if (!trainable.classifier() || !Applies(spec, view.validation_rows)) return checked;
  std::vector<BestTrial> candidates = view.Candidates(Maximize(spec), kCrossCheckCandidates);
  if (candidates.size() < 2) return checked;
  Result<double> refit_scale = RefitScale(spec, trainable);
  if (!refit_scale.ok()) return refit_scale.error();
  Result<double> pooled_scale = PooledScale(spec, trainable);
  if (!pooled_scale.ok()) return pooled_scale.error();
  const EndCost cost = EndCostOf(spec, view.validation_rows, *refit_scale, *pooled_scale);
  const size_t wanted = candidates.size();
  candidates = ThoseThatFit(cost, view, std::move(candidates), seconds);
  if (candidates.size() < 2) {
    Warn("no time left to cross-check the best " + std::to_string(wanted) +
         " trials: the search's best is the best model");
    return checked;
  }
  if (say) {
    std::printf("cross-checking the best %zu trials on %d folds of train + validation\n",
                candidates.size(), spec.cross_check);
    std::fflush(stdout);
  }

  trial::TrialOptions options = trainable.options();
  options.base.thread = RefitThreads(spec);
  double longest = 0, estimate = 0;
  for (const BestTrial& c : candidates) {
    const double trial_seconds = TrialSeconds(view, c);
    longest = std::max(longest, trial_seconds);
    estimate += cost.per_candidate * trial_seconds;
  }
  Totals totals(candidates.size());
  const auto start = std::chrono::steady_clock::now();
  for (int fold = 0; fold < spec.cross_check; ++fold) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (fold > 0 && elapsed.count() * (fold + 1) / fold + WithMargin(cost.refit * longest) > seconds) {
      // The times say how far the search's estimate was off (it kept time
      // for every fold).
      Warn("cross-check stopped after " + std::to_string(fold) + " of " +
           std::to_string(spec.cross_check) + " folds to leave the refit its time (a fold took " +
           SecondsText(elapsed.count() / fold) + ", " +
           SecondsText(estimate / spec.cross_check) + " estimated)");
      break;
    }
    // The cross-check only refines the search's choice: a fold that cannot
    // be made (more folds than rows) ends it, not the run.
    if (Status scored = ScoreFold(spec, plan, view, candidates, options, fold, totals);
        !scored.ok()) {
      Warn("cross-check stopped after " + std::to_string(fold) + " of " +
           std::to_string(spec.cross_check) + " folds: " + scored.message());
      break;
    }
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (totals.failed[i] || totals.rows[i] == 0) continue;
    checked.push_back({candidates[i].trial, candidates[i].epochs,
                       totals.sum[i] / double(totals.rows[i])});
  }
  if (checked.size() < 2) checked.clear();  // nothing to choose between
  return checked;
}

}  // namespace rungs::tune
