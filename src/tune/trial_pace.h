// TrialPace: how long training a trial takes when its training has the
// machine to itself, for the time the run's end needs.
//
// The end trains the trials it may pick again (cross-check folds, the
// refit) with no other job beside it; the search's jobs shared the machine
// with the other workers' jobs. On 20 Newsgroups two jobs of large,
// memory-bound models side by side each ran up to a third slower than
// alone, and the sum of such a trial's job times put its refit 25% above
// what it took: the end then judged a refit that fitted too long, and the
// run handed back the model trained on train alone (bench/RESULTS.md). So a
// trial's pace is that of its fastest job (its seconds over the epochs it
// trained, its set-up included, as in a retraining), over all its epochs.
#pragma once

#include <algorithm>
#include <limits>

#include "job/job.h"

namespace rungs::tune {

class TrialPace {
 public:
  // A job of the trial and its result; only a finished job that trained
  // counts.
  void Add(const job::Job& job, const job::JobResult& result) {
    if (result.outcome != job::Outcome::kOk || result.epochs_trained <= 0) return;
    seconds_per_epoch_ = std::min(seconds_per_epoch_, result.seconds / result.epochs_trained);
    epochs_ = std::max(epochs_, job.epochs_to);
  }
  // Seconds to train the trial from scratch to the most epochs it reached;
  // 0 before any job counted.
  double Seconds() const { return SecondsFor(epochs_); }
  // Seconds `epochs` take at that pace; 0 before any job counted.
  double SecondsFor(int epochs) const { return epochs_ == 0 ? 0 : epochs * seconds_per_epoch_; }

 private:
  double seconds_per_epoch_ = std::numeric_limits<double>::infinity();
  int epochs_ = 0;
};

// Seconds training alone takes (TrialPace) of the trials the run's end may
// cross-check and refit: the costliest of them, and the first (the
// search's best so far); 0: none.
struct CandidateSeconds {
  double most = 0;
  double best = 0;
};

}  // namespace rungs::tune
