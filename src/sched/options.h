// Options: everything that configures a scheduler, with defaults.
//
// doc/scheduler.md explains each option and why its default is what it is.
// Validate() checks a whole Options value and names the offending field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "job/job.h"

namespace rungs::sched {

enum class Direction { kMinimize, kMaximize };

// How a scheduled value moves from `start` (t = 0) to `end` (t = 1).
enum class Shape {
  kConstant,     // start throughout
  kLinear,       // start + (end - start) * t
  kCosine,       // start + (end - start) * (1 - cos(pi t)) / 2: slow, fast, slow
  kExponential,  // start * (end / start)^t: equal ratios per step; start, end > 0
};

// A value that changes with t, the fraction of the budget spent.
struct Schedule {
  double start = 0;
  double end = 0;
  Shape shape = Shape::kLinear;

  // The value at t, with t clamped to [0, 1].
  double At(double t) const;
};

struct EvolutionOptions {
  bool enabled = true;  // asha-evo: true; asha and random start with it off
  // Chance that a new configuration is bred rather than drawn at random.
  Schedule probability{0.2, 0.8, Shape::kLinear};
  // Members drawn (with replacement) per tournament; rounded, at least 1.
  Schedule tournament{8, 2, Shape::kLinear};
  // Parameters moved per mutation; rounded, at least 1.
  Schedule params{3, 1, Shape::kLinear};
  // Gaussian noise per moved parameter, in the parameter's unit interval.
  Schedule sigma{0.25, 0.05, Shape::kExponential};
  int min_parents = 3;      // pool members needed before evolution starts
  int pool_size = 256;      // newest results kept per resource level
  bool parents_from_highest_rung = false;  // else only the top rung (R)
  bool crossover = false;   // breed two tournament winners, then mutate
};

// Model-based proposals (asha-tpe): new configurations drawn where a density
// model of a level's good results beats that of its bad ones (TPE, as in BOHB).
struct ModelOptions {
  bool enabled = false;  // asha-tpe: true
  // Chance that a new configuration not bred by evolution comes from the
  // model, once a level has min_points results; the rest are random.
  Schedule probability{0.8, 0.8, Shape::kConstant};
  int min_points = 0;          // results a level needs; 0: the free parameters + 2
  double good_fraction = 0.15; // the best share of a level's results: the good density
  int window = 256;            // newest results kept per level
  int candidates = 24;         // draws from the good density, scored by good / bad
  int pending = 0;             // newest trials still running their first job count as bad
  double bandwidth_factor = 3; // drawing widens the good kernels by this
  double min_bandwidth = 0.01; // kernel width floor, in unit space
};

// PASHA (Bohdal et al., ICLR 2023): the top rung starts at the second rung
// and grows by one while the ranking of the two top rungs still changes.
struct PashaOptions {
  bool enabled = false;
  // Results at the lower rung closer than this (in metric units) count as
  // tied, so swaps among them do not grow the top rung.
  double epsilon = 0;
};

// The least bottom rung and reduction factor Validate takes.
inline constexpr int kMinEpochs = 1;
inline constexpr int kMinEta = 2;

struct Options {
  std::string metric = "accuracy";  // the name of the objective, for reports
  Direction direction = Direction::kMaximize;
  int min_epochs = 1;    // r: epochs of the bottom rung (s = 0)
  int max_epochs = 27;   // R: epochs of every bracket's top rung
  int eta = 3;           // reduction factor: top 1/eta of a rung go on
  int early_stopping_rate = 0;  // s of the first bracket
  int brackets = 0;      // 0: the method's own (asha: 1, asha-tpe: 2, hyperband: all)
  double lr_gamma = 0.8;  // a job of rung k scales the learning rate by gamma^k
  job::Promotion promotion = job::Promotion::kResume;
  int64_t budget_epochs = 0;  // total epochs trained; 0 for no limit
  int64_t max_trials = 0;     // configurations started; 0 for no limit
  double max_seconds = 0;     // no job starts after this `now`; 0 for no limit
  int sha_trials = 0;         // sha/hyperband trials per round; 0: computed
  EvolutionOptions evolution;
  ModelOptions model;
  PashaOptions pasha;
};

// Ok, or an error naming the first bad field ("scheduler option 'eta' ...",
// with Error::field "eta"; empty for a problem of no one field).
Status Validate(const Options& options);

// "constant", "linear", "cosine", "exponential".
Result<Shape> ParseShape(std::string_view name);
// "min"/"minimize", "max"/"maximize".
Result<Direction> ParseDirection(std::string_view name);
inline constexpr job::Promotion kPromotions[] = {job::Promotion::kResume,
                                                 job::Promotion::kRestart};
// "resume", "restart".
std::string_view PromotionName(job::Promotion promotion);
Result<job::Promotion> ParsePromotion(std::string_view name);

}  // namespace rungs::sched
