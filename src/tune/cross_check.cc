#include "tune/cross_check.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>

#include "base/parallel_for.h"
#include "tune/best_model.h"
#include "tune/executor_choice.h"
#include "tune/warning.h"

namespace rungs::tune {
namespace {

// An estimate of seconds with room for what it leaves out: cancelled jobs
// coming back, the data read again.
double WithMargin(double seconds) { return 1.1 * seconds + 1.0; }

bool Applies(const TuneSpec& spec, int64_t validation_rows) {
  return spec.cross_check > 0 && validation_rows > 0 && validation_rows < kCrossCheckRows;
}

// How many of the first candidates fit in `seconds`: their cross-check and
// the refit of the costliest.
size_t HowManyFit(const EndCost& cost, CandidateSeconds candidates, double seconds) {
  while (!candidates.paces.empty() &&
         CheckSeconds(cost, candidates.paces) + WithMargin(cost.refit * candidates.Most()) >
             seconds) {
    candidates.paces.pop_back();
  }
  return candidates.paces.size();
}

// Per candidate: its metric summed over the rows it was scored on, those
// rows, and whether a fold failed it.
struct Totals {
  explicit Totals(size_t n) : sum(n, 0), rows(n, 0), failed(n, false) {}
  std::vector<double> sum;
  std::vector<int64_t> rows;
  std::vector<bool> failed;
};

// What retraining `c` holds at its peak: its largest job's need; 0 when a
// prediction fails.
int64_t RetrainBytes(trial::ClassifierTrial& classifier, const JournalView& view,
                     const BestTrial& c) {
  int64_t most = 0;
  for (const JobRow& row : view.jobs) {
    if (!MakesModelOf(row, c)) continue;
    const int64_t need = PredictJobMemory(classifier, row.job, trial::Prediction::kExact).bytes;
    if (need <= 0) return 0;
    most = std::max(most, need);
  }
  return most;
}

// A candidate's metric on a fold and the rows it was scored on.
struct FoldScore {
  double metric = 0;
  int64_t rows = 0;
};

// Trains each candidate on all but part `fold` and scores it on that part,
// `at_once` candidates at a time.
Status ScoreFold(const TuneSpec& spec, const SearchPlan& plan, const JournalView& view,
                 const std::vector<BestTrial>& candidates, const trial::TrialOptions& options,
                 size_t at_once, int fold, Totals& totals) {
  trial::DataSpec data_spec = DataFor(spec);
  data_spec.folds = spec.cross_check;
  data_spec.fold = fold;
  trial::ClassifierData fold_data(data_spec);
  // The fold's rows, read here: a fold that cannot be made ends the check.
  std::vector<trial::TrainValid> data;
  for (const BestTrial& c : candidates) {
    Result<text::Preprocessing> preprocessing = PreprocessingOf(c, plan.space);
    if (!preprocessing.ok()) return preprocessing.error();
    Result<trial::TrainValid> read = fold_data.Get(preprocessing->normalize);
    if (!read.ok()) return read.error();
    data.push_back(*read);
  }
  std::vector<std::optional<Result<FoldScore>>> scores(candidates.size());
  ParallelFor(int64_t(candidates.size()), int(at_once), [&](int64_t i) {
    if (totals.failed[i]) return;
    try {
      Result<text::Model> model = Retrain(view, candidates[i], plan.space, fold_data, options);
      Result<double> metric =
          model.ok() ? trial::ScoreModel(*model, *data[i].valid, plan.metric) : model.error();
      scores[i] = metric.ok()
                      ? Result<FoldScore>(FoldScore{*metric, int64_t(data[i].valid->size())})
                      : metric.error();
    } catch (const std::exception& e) {  // out of memory: this candidate fails, not the run
      scores[i] = Fail(std::string("retraining failed: ") + e.what());
    }
  });
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!scores[i]) continue;
    if (!scores[i]->ok()) {
      Warn("cross-check, fold " + std::to_string(fold + 1) + ": " + scores[i]->message() +
           "; trial " + std::to_string(candidates[i].trial) + " is left out");
      totals.failed[i] = true;
      continue;
    }
    totals.sum[i] += (*scores[i])->metric * double((*scores[i])->rows);
    totals.rows[i] += (*scores[i])->rows;
  }
  return Status::Ok();
}

}  // namespace

size_t RetrainsAtOnce(std::vector<int64_t> needs, int64_t memory, int cores) {
  const size_t at_once = std::min(needs.size(), size_t(std::max(cores, 1)));
  if (at_once < 2 || *std::min_element(needs.begin(), needs.end()) <= 0) return 1;
  std::sort(needs.begin(), needs.end(), std::greater<>());
  int64_t together = 0;
  for (size_t i = 0; i < at_once; ++i) together += needs[i];
  return together <= memory ? at_once : 1;
}

EndCost EndCostOf(const TuneSpec& spec, int64_t validation_rows, int64_t train_rows,
                  double refit_scale) {
  EndCost cost{.refit = refit_scale};
  if (!Applies(spec, validation_rows) || train_rows <= 0) return cost;
  cost.folds = spec.cross_check;
  // A fold trains on (k - 1)/k of train + validation; on fewer rows than
  // train (SUBJ, k = 3: 0.83 of them) it took as long as the search's jobs
  // all the same, their set-ups not shrinking with the rows
  // (bench/RESULTS.md).
  const double rows = double(cost.folds - 1) / cost.folds *
                      double(train_rows + validation_rows) / double(train_rows);
  cost.fold = std::max(1.0, rows);
  cost.fold_alone = rows;  // the further threads not counted, as in RefitScale
  cost.at_once = size_t(RefitThreads(spec));
  return cost;
}

Result<EndCost> EndCostFor(const TuneSpec& spec, Trainable& trainable, int64_t validation_rows) {
  Result<double> refit = RefitScale(spec, trainable);
  if (!refit.ok()) return refit.error();
  int64_t train_rows = 0;
  if (trainable.classifier()) {
    Result<trial::TrainValid> data = trainable.data().Get(false);
    if (!data.ok()) return data.error();
    train_rows = int64_t(data->train->size());
  }
  return EndCostOf(spec, validation_rows, train_rows, *refit);
}

double CheckSeconds(const EndCost& cost, const std::vector<TrialPace>& candidates) {
  // When each thread is free next; each candidate goes to the first.
  std::vector<double> free_at(std::max<size_t>(cost.at_once, 1), 0);
  for (const TrialPace& pace : candidates) {
    *std::min_element(free_at.begin(), free_at.end()) +=
        cost.at_once > 1 ? cost.fold * pace.SideBySideSeconds() : cost.fold_alone * pace.Seconds();
  }
  return cost.folds * *std::max_element(free_at.begin(), free_at.end());
}

double EndSeconds(const EndCost& cost, CandidateSeconds seconds, double budget_seconds,
                  double now) {
  const double most = seconds.Most();
  if (most <= 0) return 0;
  const double cap = budget_seconds * kEndShare;
  // A refit that would not fit with its overrun, were the search stopped at
  // the earliest end it may have (or now, when a late result made that
  // past), is given no time (nor is a cross-check, which costs more): the
  // refit would be skipped all the same, and keeping the time for it ended
  // 60 s runs 9 and 15 s early (bench/RESULTS.md).
  const double stop = std::max(now, budget_seconds - cap);
  if (WithMargin(cost.refit * seconds.Best()) > budget_seconds * (1 + kRefitOverrun) - stop) {
    return WithMargin(0);
  }
  std::vector<TrialPace>& paces = seconds.paces;
  paces.resize(std::min(kCrossCheckCandidates, paces.size()));
  for (; paces.size() >= 2 && cost.folds > 0; paces.pop_back()) {
    const double checking = CheckSeconds(cost, paces);
    const double end = WithMargin(cost.refit * most + checking);
    if (WithMargin(checking) <= budget_seconds / 10 && end <= budget_seconds * kCheckedEndShare) {
      return end;
    }
  }
  return std::min(cap, WithMargin(cost.refit * seconds.Best()));
}

Result<std::vector<CrossChecked>> CrossCheck(const TuneSpec& spec, const SearchPlan& plan,
                                             Trainable& trainable, const JournalView& view,
                                             double seconds, int64_t memory, bool say) {
  std::vector<CrossChecked> checked;
  if (!trainable.classifier() || !Applies(spec, view.validation_rows)) return checked;
  std::vector<BestTrial> candidates = view.Candidates(Maximize(spec), kCrossCheckCandidates);
  if (candidates.size() < 2) return checked;
  Result<EndCost> end = EndCostFor(spec, trainable, view.validation_rows);
  if (!end.ok()) return end.error();
  // The candidates that fit side by side, as the search kept time for; then
  // those that fit as their memory lets them train.
  EndCost cost = *end;
  CandidateSeconds paces;
  for (const BestTrial& c : candidates) paces.paces.push_back(PaceOf(view, c));
  paces.paces.resize(HowManyFit(cost, paces, seconds));
  if (paces.paces.size() >= 2) {
    std::vector<int64_t> needs;
    for (size_t i = 0; i < paces.paces.size(); ++i) {
      needs.push_back(RetrainBytes(*trainable.classifier(), view, candidates[i]));
    }
    cost.at_once = RetrainsAtOnce(needs, memory - trainable.classifier()->held_bytes(),
                                  RefitThreads(spec));
    paces.paces.resize(HowManyFit(cost, paces, seconds));
  }
  const size_t wanted = candidates.size();
  candidates.resize(paces.paces.size());
  if (candidates.size() < 2) {
    // The usual end of a short budget, not a fault: said, not warned.
    if (say) {
      std::printf("no time left to cross-check the best %zu trials: the search's best is the best "
                  "model\n",
                  wanted);
      std::fflush(stdout);
    }
    return checked;
  }
  const size_t at_once = std::min(cost.at_once, candidates.size());
  if (say) {
    std::printf(
        "cross-checking the best %zu trials on %d folds of train + validation, %zu at once\n",
        candidates.size(), spec.cross_check, at_once);
    std::fflush(stdout);
  }

  trial::TrialOptions options = trainable.options();
  options.base.thread = at_once > 1 ? 1 : RefitThreads(spec);
  const double longest = paces.Most();
  const double estimate = CheckSeconds(cost, paces.paces);
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
    if (Status scored = ScoreFold(spec, plan, view, candidates, options, at_once, fold, totals);
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
