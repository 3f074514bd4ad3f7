// Brackets: the rungs of asynchronous Hyperband and what a job at each costs.
//
// Bracket b has early-stopping rate s = s0 + b; its rung k trains to
// min(R, r * eta^(k + s)) epochs, and its top rung is the first to reach R.
// Immutable after construction; const methods are safe from many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "job/job.h"
#include "sched/options.h"

namespace rungs::sched {

class Brackets {
 public:
  // `count` brackets starting at options.early_stopping_rate; the options
  // must have passed Validate() and allow that many brackets.
  Brackets(const Options& options, int count);

  int size() const { return static_cast<int>(epochs_.size()); }
  int early_stopping_rate(int bracket) const { return s0_ + bracket; }
  // Epochs of each rung of `bracket`, strictly rising, ending at R.
  const std::vector<int>& epochs(int bracket) const { return epochs_[bracket]; }
  int top_rung(int bracket) const { return size_of(bracket) - 1; }
  int size_of(int bracket) const { return static_cast<int>(epochs_[bracket].size()); }

  // Where a job training `rung` starts: 0 for the bottom rung or in restart
  // mode, else the epochs of the rung below (resume from its checkpoint).
  int EpochsFrom(int bracket, int rung, job::Promotion mode) const;
  // Epochs a job at `rung` trains: epochs(bracket)[rung] - EpochsFrom(...).
  int Cost(int bracket, int rung, job::Promotion mode) const;
  // gamma^rung.
  double LrScale(int rung) const;
  // Job `id`: `trial` (with `config`) trained at `rung` of `bracket`.
  job::Job JobFor(uint64_t id, uint32_t trial, int bracket, int rung, job::Promotion mode,
                  const space::Config& config) const;

  // Resource levels: the distinct rung epochs of all brackets, ascending.
  // level(b, k) indexes them; levels() - 1 is R's level.
  int levels() const { return static_cast<int>(level_epochs_.size()); }
  int level(int bracket, int rung) const { return levels_[bracket][rung]; }

 private:
  int s0_;
  double gamma_;
  std::vector<std::vector<int>> epochs_;
  std::vector<std::vector<int>> levels_;
  std::vector<int> level_epochs_;
};

}  // namespace rungs::sched
