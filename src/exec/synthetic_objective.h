// SyntheticObjective: learning curves with a known optimum, for simulation.
//
// Each configuration is mapped into the unit cube (one coordinate per
// parameter, in the parameter's own scale). Its final metric is
//   peak * exp(-sum_d weight_d * (u_d - optimum_d)^2)
// so the best configuration is known (Optimum()) and nearby ones are nearly
// as good. The curve at epoch e approaches that final value as
//   final * (1 - exp(-rate * e)),  rate depending on the configuration,
// so slow learners look bad early and good late (what makes early stopping
// non-trivial), plus small Gaussian noise seeded by (seed, trial, epoch).
// Seconds per epoch also depend on the configuration, and a job also takes
// startup_seconds; a job may fail (failure_rate), halfway through. Everything
// is a pure function of its arguments: const methods are thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "exec/objective.h"
#include "space/config.h"

namespace rungs::exec {

// How one parameter of the Config maps to the unit interval.
struct Dimension {
  enum class Kind { kLinear, kLog, kChoice };
  Kind kind = Kind::kLinear;
  double lo = 0;    // kLinear/kLog: the range; kChoice: unused
  double hi = 1;
  int choices = 0;  // kChoice: how many; value i maps to (i + 0.5) / choices
};

struct ObjectiveOptions {
  double peak = 0.95;               // the metric at the optimum, fully trained
  double noise = 0.005;             // standard deviation of the per-epoch noise
  double seconds_per_epoch = 2.0;   // mean; each configuration scales it by 0.25..1.75
  double startup_seconds = 0.5;     // added to every job (load data, build model)
  double failure_rate = 0;          // probability that a job fails
  uint64_t seed = 1;                // picks the optimum, weights, and the noise
};

class SyntheticObjective : public Objective {
 public:
  SyntheticObjective(std::vector<Dimension> dimensions, ObjectiveOptions options);

  // Objective: each job's metric at epochs_to (or a failure) and its seconds:
  // startup plus the epochs it trains times SecondsPerEpoch. Never fails.
  Result<std::vector<job::JobResult>> Train(const std::vector<job::Job>& jobs,
                                              job::Promotion promotion) override;

  // The metric (higher is better) of `config` after `epochs` epochs of
  // training, for trial `trial` (its noise stream).
  double Metric(const space::Config& config, uint32_t trial, int epochs) const;
  // The noise-free metric after infinitely many epochs.
  double Final(const space::Config& config) const;
  double SecondsPerEpoch(const space::Config& config) const;
  // Whether job `job_id` fails (the same answer every time it is asked).
  bool Fails(uint64_t job_id) const;

  // The unit-space optimum, one coordinate per dimension; Final() at a
  // config mapping exactly onto it is options.peak.
  const std::vector<double>& Optimum() const { return optimum_; }
  // Maps config to the unit cube; an inactive parameter (NaN) maps to its
  // optimum, so it neither helps nor hurts.
  std::vector<double> ToUnit(const space::Config& config) const;
  const ObjectiveOptions& options() const { return options_; }

 private:
  double Rate(const std::vector<double>& unit) const;
  double FinalOfUnit(const std::vector<double>& unit) const;

  std::vector<Dimension> dimensions_;
  ObjectiveOptions options_;
  std::vector<double> optimum_;  // in [0.15, 0.85] per dimension
  std::vector<double> weight_;   // importance: the first dimensions matter most
};

// Deterministic 64-bit mixing (splitmix64 finalizer): independent-looking
// streams from (seed, ids) without any shared RNG state.
uint64_t Mix(uint64_t x);

}  // namespace rungs::exec
