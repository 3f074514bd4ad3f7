// TrialPace: how long training a trial again takes, for the time the run's
// end needs: alone (the refit) or beside other retrainings (the
// cross-check's candidates, a thread each).
//
// The refit has the machine to itself; the search's jobs shared it with the
// other workers' jobs. On 20 Newsgroups two jobs of large, memory-bound
// models side by side each ran up to a third slower than alone, and the sum
// of such a trial's job times put its refit 25% above what it took: the end
// then judged a refit that fitted too long, and the run handed back the
// model trained on train alone (bench/RESULTS.md). So a trial's pace alone
// is that of its fastest job (its seconds over the epochs it trained, its
// set-up included, as in a retraining), over all its epochs.
//
// The cross-check retrains its candidates side by side, as the search ran
// their jobs: there the sum of the jobs' seconds, each job's set-up
// included, is the measure. On SUBJ, three runs, a fold of three
// candidates sharing two cores took 0.99-1.07x what their sums give, and
// 1.03, 0.99 and 1.46x what their paces alone gave (bench/RESULTS.md).
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

#include "job/job.h"

namespace rungs::tune {

class TrialPace {
 public:
  // A job of the trial and its result, in the order the trial ran them;
  // only a finished job that trained counts.
  void Add(const job::Job& job, const job::JobResult& result) {
    if (result.outcome != job::Outcome::kOk || result.epochs_trained <= 0) return;
    seconds_per_epoch_ = std::min(seconds_per_epoch_, result.seconds / result.epochs_trained);
    epochs_ = std::max(epochs_, job.epochs_to);
    // A job that trained from epoch 0 (its checkpoint was gone) starts the
    // jobs a retraining repeats again.
    if (result.epochs_trained == job.epochs_to) side_by_side_ = 0;
    side_by_side_ += result.seconds;
  }
  // Seconds to train the trial alone from scratch to the most epochs it
  // reached; 0 before any job counted.
  double Seconds() const { return SecondsFor(epochs_); }
  // Seconds `epochs` take alone at that pace; 0 before any job counted.
  double SecondsFor(int epochs) const { return epochs_ == 0 ? 0 : epochs * seconds_per_epoch_; }
  // Seconds its jobs took as they ran, from the last that started from
  // scratch: training it again beside another retraining.
  double SideBySideSeconds() const { return side_by_side_; }

 private:
  double seconds_per_epoch_ = std::numeric_limits<double>::infinity();
  int epochs_ = 0;
  double side_by_side_ = 0;
};

// How long training again takes (TrialPace) of the trials the run's end
// may cross-check and refit, in the search's order.
struct CandidateSeconds {
  std::vector<TrialPace> paces;
  // Alone: the costliest of them, and the first (the search's best so
  // far); 0: none.
  double Most() const {
    double most = 0;
    for (const TrialPace& pace : paces) most = std::max(most, pace.Seconds());
    return most;
  }
  double Best() const { return paces.empty() ? 0 : paces.front().Seconds(); }
};

}  // namespace rungs::tune
