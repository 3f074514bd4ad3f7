// Tpe: model-based proposals for new configurations, a Parzen-estimator
// density ratio over whole configurations as in BOHB (Falkner et al., ICML
// 2018), made aware of the trials still running.
//
// Per resource level it keeps the newest `window` results: their ranks and
// their configurations in unit space (floats and ints by Space::ToUnit,
// choices by index). A proposal uses the highest level with at least
// min_points results. Its best good_fraction (ties by arrival) make the
// good density l, the rest the bad density g; as in BOHB each set holds at
// least min_points - 1 results, so they overlap while the level has few.
// Each is a mixture of one product kernel per point plus one uniform point
// (a prior that keeps both positive): Gaussian kernels on floats and ints
// (Scott's rule width 1.06 sd n^-1/5 per parameter, at least
// min_bandwidth), Aitchison-Aitken kernels on choices (keep with 1 - lambda,
// lambda = (k-1)/k n^-1/5), and a uniform kernel where a point lacks a
// parameter the candidate has.
//
// `candidates` configurations are drawn from l with its Gaussian widths
// multiplied by bandwidth_factor, each repaired into the space (Space::Repair:
// conditions, constraints), and the one with the highest l/g wins (the first
// on ties). Each proposal draws fresh candidates, so concurrent workers get
// different configurations. With pending > 0, the newest `pending` trials
// still running their first job are also added to g's points, with l's
// kernel widths (the resolution proposals are made at), so proposals keep
// away from where running workers already are (a pending-point penalty).
//
// Cost: a refit when the level's window changed, O(window log window +
// window params); a proposal O(candidates (window + pending) params).
// Memory O(levels window params). Draws only from the rng passed in, so
// proposals are deterministic given the seed and the calls. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "sched/options.h"
#include "sched/rank.h"
#include "space/space.h"

namespace rungs::sched {

class Tpe {
 public:
  // `space` must outlive the Tpe.
  Tpe(const ModelOptions& options, const space::Space& space, int levels);

  // Offers a result at `level` of a trial with `config`; unusable results
  // (score +infinity) are kept too: they are what the model should avoid.
  void Record(int level, const Rank& rank, const space::Config& config);
  // A new trial started with `config`: while it runs its first job,
  // proposals keep away from it.
  void Started(uint32_t trial, const space::Config& config);

  // True once some level has min_points results.
  bool ready() const { return Source() >= 0; }
  // The level proposals learn from now, or -1 while none has enough results.
  int Source() const;
  int min_points() const { return min_points_; }

  // A configuration inside the space. Requires ready(). `running_first_job`
  // tells which started trials have not reported yet.
  space::Config Propose(std::mt19937_64& rng,
                        const std::function<bool(uint32_t)>& running_first_job);

 private:
  // A level's newest results: a ring once full.
  struct Window {
    std::vector<Rank> ranks;
    std::vector<double> units;  // ranks.size() x dims_, NaN where inactive
    size_t oldest = 0;
    uint64_t version = 0;       // results ever recorded
  };
  // One mixture: points (n x dims_) plus per-parameter kernel widths.
  struct Density {
    std::vector<double> units;
    size_t n = 0;
    std::vector<double> width;   // Gaussian sd, or lambda for a choice
    std::vector<double> inverse;   // Gaussian: 1 / sd
    std::vector<double> log_norm;  // Gaussian: -log(sd sqrt(2 pi)); choice: log(1 - lambda)
    std::vector<double> log_off;   // choice: log(lambda / (k - 1))
  };

  void Fit(int level);
  void SetWidths(Density& d) const;
  std::vector<double> ToUnits(const space::Config& config) const;
  space::Config Draw(std::mt19937_64& rng) const;
  // Appends to `terms` the log kernel at x (unit space) of each of the n
  // points (n x dims_) with the widths of `widths`.
  void AddKernels(const Density& widths, const double* points, size_t n,
                  const std::vector<double>& x, std::vector<double>& terms) const;
  // log of the mixture of `terms` plus the uniform point, equally weighted.
  double LogMixture(std::vector<double>& terms, const std::vector<double>& x) const;

  ModelOptions options_;
  const space::Space& space_;
  size_t dims_;
  std::vector<char> choice_;      // per parameter: a choice (else float/int)
  std::vector<char> modelled_;    // per parameter: not fixed, more than one value
  std::vector<double> log_uniform_;  // per parameter: log of its uniform density
  int min_points_;
  std::vector<Window> windows_;   // by level
  // The newest started trials (ring of `pending`): id and unit config.
  std::vector<uint32_t> started_;
  std::vector<double> started_units_;
  size_t started_next_ = 0;

  int fitted_level_ = -1;
  uint64_t fitted_version_ = 0;
  Density good_;
  Density bad_;
};

}  // namespace rungs::sched
