#include "exec/synthetic_objective.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rungs::exec {
namespace {

// A uniform double in (0, 1) from 64 mixed bits.
double Uniform(uint64_t bits) { return (double(bits >> 11) + 0.5) * 0x1.0p-53; }

// A standard normal from two independent uniforms (Box-Muller).
double Normal(uint64_t bits_a, uint64_t bits_b) {
  return std::sqrt(-2 * std::log(Uniform(bits_a))) *
         std::cos(2 * std::numbers::pi * Uniform(bits_b));
}

}  // namespace

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

SyntheticObjective::SyntheticObjective(std::vector<Dimension> dimensions,
                                       ObjectiveOptions options)
    : dimensions_(std::move(dimensions)), options_(options) {
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    double u = 0.15 + 0.7 * Uniform(Mix(options_.seed * 1000003 + d));
    const Dimension& dim = dimensions_[d];
    if (dim.kind == Dimension::Kind::kChoice && dim.choices > 0) {
      // Snap to a choice's centre so the optimum is reachable.
      int choice = std::min(dim.choices - 1, int(u * dim.choices));
      u = (choice + 0.5) / dim.choices;
    }
    optimum_.push_back(u);
    // Decreasing importance, as in real spaces where a few parameters matter.
    weight_.push_back(8.0 / double(1 + d));
  }
}

std::vector<double> SyntheticObjective::ToUnit(const space::Config& config) const {
  std::vector<double> unit(dimensions_.size());
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    double x = d < config.size() ? config[d] : std::nan("");
    const Dimension& dim = dimensions_[d];
    double u = optimum_[d];
    if (!std::isnan(x)) {
      switch (dim.kind) {
        case Dimension::Kind::kLinear:
          u = (x - dim.lo) / (dim.hi - dim.lo);
          break;
        case Dimension::Kind::kLog:
          u = std::log(x / dim.lo) / std::log(dim.hi / dim.lo);
          break;
        case Dimension::Kind::kChoice:
          u = (x + 0.5) / std::max(1, dim.choices);
          break;
      }
    }
    unit[d] = std::clamp(u, 0.0, 1.0);
  }
  return unit;
}

double SyntheticObjective::Final(const space::Config& config) const {
  return FinalOfUnit(ToUnit(config));
}

double SyntheticObjective::FinalOfUnit(const std::vector<double>& unit) const {
  double distance = 0;
  for (size_t d = 0; d < unit.size(); ++d) {
    double delta = unit[d] - optimum_[d];
    distance += weight_[d] * delta * delta;
  }
  return options_.peak * std::exp(-distance);
}

// The first dimension plays the learning rate: larger learns faster, so
// early rungs favour it even where its final value is worse.
double SyntheticObjective::Rate(const std::vector<double>& unit) const {
  double u = unit.empty() ? 0.5 : unit[0];
  return 0.05 + 0.6 * u * u;
}

double SyntheticObjective::Metric(const space::Config& config, uint32_t trial,
                                  int epochs) const {
  std::vector<double> unit = ToUnit(config);
  double curve = FinalOfUnit(unit) * (1 - std::exp(-Rate(unit) * epochs));
  uint64_t stream = Mix(Mix(options_.seed ^ 0x5eedull) + trial) + uint64_t(epochs);
  return curve + options_.noise * Normal(Mix(stream), Mix(stream ^ 0xabcdefull));
}

// The second dimension plays the model size: larger is slower per epoch.
double SyntheticObjective::SecondsPerEpoch(const space::Config& config) const {
  std::vector<double> unit = ToUnit(config);
  double u = unit.size() > 1 ? unit[1] : 0.5;
  return options_.seconds_per_epoch * (0.25 + 1.5 * u);
}

Result<std::vector<job::JobResult>> SyntheticObjective::Train(
    const std::vector<job::Job>& jobs, job::Promotion promotion) {
  std::vector<job::JobResult> results;
  results.reserve(jobs.size());
  for (const job::Job& job : jobs) {
    int from = promotion == job::Promotion::kResume ? job.epochs_from : 0;
    int epochs = job.epochs_to - from;
    double seconds = options_.startup_seconds + epochs * SecondsPerEpoch(job.config);
    job::JobResult result = job::ResultFor(job, job::Outcome::kOk);
    if (Fails(job.id)) {
      // A failure strikes halfway through: half the time, no usable metric.
      seconds /= 2;
      result.outcome = job::Outcome::kFailed;
      result.epochs_trained = epochs / 2;
      result.error = "simulated worker failure";
    } else {
      result.metric = Metric(job.config, job.trial, job.epochs_to);
      result.epochs_trained = epochs;
    }
    result.seconds = seconds;
    results.push_back(std::move(result));
  }
  return results;
}

bool SyntheticObjective::Fails(uint64_t job_id) const {
  return Uniform(Mix(Mix(options_.seed ^ 0xfa11ull) + job_id)) < options_.failure_rate;
}

}  // namespace rungs::exec
