// CrossCheck: which of the search's best few trials generalizes best, by
// k-fold cross-validation over train + validation pooled.
//
// With a small validation set the search's best is often luck: its metric
// is one noisy count, and the best of many such counts overstates its truth
// (tune/best_choice.h allows for that, but cannot tell apart candidates
// within the noise). Here each candidate (the best result of its trial, in
// the search's ranking) is trained again as its jobs trained it, k times,
// on all but one part of the pooled rows, and scored on the part left out:
// one score over every row of train + validation, whose noise is that of a
// validation set 1/valid_fraction times larger, from models trained on
// other rows than the search saw. The best of those scores is the best
// trial (JournalView::Best, once the run's end journals them).
//
// Only for the built-in classifier with a metric that is a proportion of
// the validation rows (accuracy, f1), only when there are fewer than
// kCrossCheckRows of them (beyond that the search's own score is precise
// enough), and only for as many candidates as fit in the time given (the
// search keeps it: EndSeconds): CheckSeconds, from each trial's job
// seconds. Fewer than two that fit: nothing is checked, and the progress
// says so.
#pragma once

#include <vector>

#include "base/status.h"
#include "tune/journal_view.h"
#include "tune/search_plan.h"
#include "tune/trainable.h"
#include "tune/trial_pace.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

inline constexpr int64_t kCrossCheckRows = 10'000;
inline constexpr size_t kCrossCheckCandidates = 3;

// What the end of a run costs: the refit in multiples of a trial's seconds
// alone (TrialPace::Seconds); the cross-check (none when `folds` is 0),
// whose every fold retrains each candidate, `at_once` side by side on a
// thread each in `fold` times its seconds beside others
// (TrialPace::SideBySideSeconds), or one at a time on every core in
// `fold_alone` times its seconds alone.
struct EndCost {
  double refit = 0;
  int folds = 0;
  double fold = 0;
  double fold_alone = 0;
  size_t at_once = 1;
};
// With `train_rows` and `validation_rows` (0: no cross-check) of the data,
// and the candidates side by side on a core each (whether their memory
// allows it, CrossCheck knows only at the end).
EndCost EndCostOf(const TuneSpec& spec, int64_t validation_rows, int64_t train_rows,
                  double refit_scale);
// The same from the run's data.
Result<EndCost> EndCostFor(const TuneSpec& spec, Trainable& trainable, int64_t validation_rows);

// The seconds the cross-check of candidates (in the search's order) takes:
// on each fold, as ParallelFor runs them, each candidate in turn on the
// first of `at_once` threads free.
double CheckSeconds(const EndCost& cost, const std::vector<TrialPace>& candidates);

// The run's end keeps at most kEndShare of a wall budget from the search,
// and the refit it kept time for, with the write of best.bin, may run past
// the budget by up to kRefitOverrun of it. On 20 Newsgroups the refit of the
// usual best needs 40-47% of a 60 s budget and adds 1.6-2.3 points of test
// accuracy, far more than the search gains from that time; with a third,
// its estimate fell on either side of the limit from run to run
// (bench/RESULTS.md).
inline constexpr double kEndShare = 0.4;
inline constexpr double kRefitOverrun = 0.1;
// An end with a cross-check keeps at most a third: with two fifths, the
// cross-check ran more often on 60 s runs and cost SUBJ 0.4 points of what
// the search would have found in that time (bench/RESULTS.md).
inline constexpr double kCheckedEndShare = 1.0 / 3;

// The seconds a search keeps for the run's end, at most kEndShare of
// `budget_seconds`, at `now` (experiment seconds): the cross-check of the
// most candidates (3, else 2) that fit within kCheckedEndShare and take at
// most a tenth of the budget (on 60 s runs a cross-check of a quarter of
// the budget cost the search more than the choice gained: bench/RESULTS.md)
// with the refit of the costliest candidate, which it may choose; else the
// refit of the best alone, the one model an end without a cross-check
// refits (a costlier third candidate held ag_news runs 8-16 s short); none
// when that refit would not fit even with its overrun after the search's
// earliest end or after now (the searched model is handed back). With a
// tenth and a second more for what the estimate leaves out (cancelled jobs
// coming back, the data read again). 0 before any trial finished.
double EndSeconds(const EndCost& cost, CandidateSeconds seconds, double budget_seconds,
                  double now);

// How many of the candidates needing `needs` bytes each (0: not known) a fold
// retrains at once, each on one thread: one per core of `cores`, when the
// largest of them fit `memory` together; else 1, on every core. Hogwild
// threads on one small model (SUBJ's dim 16-36) ran slower on 2 threads than
// on 1, and folds took 1.7x their estimate (bench/RESULTS.md); candidates
// side by side scale with the cores whatever the model.
size_t RetrainsAtOnce(std::vector<int64_t> needs, int64_t memory, int cores);

// The candidates' cross-validated metrics, in the search's order; empty when
// the cross-check does not apply or does not fit in `seconds` (which must
// leave the refit's time). A candidate whose training fails on a fold is left
// out with a warning; a fold that cannot be made (more folds than rows) ends
// the cross-check with a warning, keeping the folds scored before it.
// `memory`: what the retrains may hold at once beside what the run holds
// (0: not known, one at a time). `say`: print on stdout that it is checking,
// or that there is no time to.
Result<std::vector<CrossChecked>> CrossCheck(const TuneSpec& spec, const SearchPlan& plan,
                                             Trainable& trainable, const JournalView& view,
                                             double seconds, int64_t memory, bool say);

}  // namespace rungs::tune
