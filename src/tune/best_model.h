// The best trial's model, written to best.bin (a fastText model) and scored
// on the test set when one was given. It is the best result's checkpoint
// when the classifier still holds it (in memory or spilled: it keeps the
// best by most epochs, then metric, and the noise-aware choice may be
// another result); otherwise (its checkpoint was taken by a promotion or
// dropped, Lambda workers) the trial is retrained here from its journaled
// jobs; with
// --refit it is retrained on train + validation. A command's models are the
// program's own: nothing is written. For the driver thread, after the search.
#pragma once

#include <limits>
#include <optional>
#include <string>

#include "base/status.h"
#include "text/preprocessing.h"
#include "tune/journal_view.h"
#include "tune/search_plan.h"
#include "tune/trainable.h"
#include "tune/trial_pace.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

// best.ftz, the best model quantized (with --quantize or --max-model-size).
struct QuantizedModel {
  int64_t bytes = 0;
  std::optional<double> test_metric;
};

struct BestModel {
  std::optional<double> test_metric;
  bool refit = false;
  std::optional<QuantizedModel> quantized;
  std::string quantize_error;  // why best.ftz was not written, when asked for
};

// The preprocessing the best configuration means for the built-in
// classifier: what best.bin records, and how the test set is read.
Result<text::Preprocessing> PreprocessingOf(const BestTrial& best, const space::Space& space);

// `spec` has local data. Without a finished trial, or with a command, does
// nothing. With --quantize or --max-model-size it also writes best.ftz: with
// a size, quantized to fit it as fastText's autotune does (pruned to the
// rows of largest norm and retrained on the training data when the whole
// matrix does not fit: text::SaveQuantizedWithin); without, every row kept
// (-qnorm, dsub 2). A model that cannot be quantized (fewer than 256 rows,
// or no size fits) leaves no best.ftz and says why in quantize_error: the
// search's results stand.
// With --refit (the default), the best configuration is retrained on train
// + validation when that fits in `seconds_left` (what is left of the wall
// budget, with the overrun a refit may take: kRefitOverrun; its estimate:
// RefitScale times the seconds the best trial's jobs took, plus writing
// best.bin); otherwise
// best.bin is the searched model and a warning says why.
inline constexpr double kNoLimit = std::numeric_limits<double>::infinity();
Result<BestModel> WriteBestModel(const TuneSpec& spec, const SearchPlan& plan,
                                 Trainable& trainable, const JournalView& view,
                                 double seconds_left);

// How much longer the refit of a trial takes than training it alone
// (TrialPace::Seconds): its share of rows more (train + validation over
// train); 0 without a refit or for a command. The refit's threads beyond a
// trial's are not counted: a second thread trained the usual best models
// 1.0-1.6x as fast (SUBJ and MR about 1.0x, 20 Newsgroups' one-vs-all
// bigram tables 1.1-1.6x), within this machine's own run-to-run spread of
// half (bench/RESULTS.md), and an estimate that counted it made the refit
// overrun the budget.
Result<double> RefitScale(const TuneSpec& spec, Trainable& trainable);

// Whether `row` is one of the jobs `best`'s model is made of: a job of its
// trial that trained no further than its epochs.
bool MakesModelOf(const JobRow& row, const BestTrial& best);

// Trains `best`'s jobs again, in order, on `data`, to rebuild its model
// (its checkpoint is gone, or the data differ: a refit, a fold).
Result<text::Model> Retrain(const JournalView& view, const BestTrial& best,
                            const space::Space& space, trial::ClassifierData& data,
                            trial::TrialOptions options);

// How long training `best` to its epochs again takes (TrialPace, over the
// jobs its model is made of).
TrialPace PaceOf(const JournalView& view, const BestTrial& best);

// The refit has the machine to itself: one thread per core, or the trial's.
int RefitThreads(const TuneSpec& spec);

}  // namespace rungs::tune
