// Sample, Mutate and Crossover, and the repair they share (Settle). The
// rules are described for users in doc/space.md.

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "space/random.h"
#include "space/space.h"

namespace rungs::space {
namespace {

constexpr double kInactive = std::numeric_limits<double>::quiet_NaN();

// Folds u back into [0, 1] as if the bounds were mirrors.
double Reflect(double u) {
  double t = std::fmod(std::abs(u), 2.0);
  return t > 1.0 ? 2.0 - t : t;
}

// The chance that a categorical switches choice under noise sigma: the odds
// that N(0, sigma) leaves a cell of width 1/k around its centre, as if the k
// choices split the unit interval evenly.
double SwitchProbability(double sigma, size_t k) {
  if (sigma <= 0) return 0;
  return std::erfc(1.0 / (2.0 * static_cast<double>(k) * sigma * std::sqrt(2.0)));
}

}  // namespace

double Space::Draw(size_t index, double lo, double hi, std::mt19937_64& rng) const {
  const Param& p = params_[index];
  double u = UniformUnit(rng);
  if (p.kind == Kind::kFloat) {
    double v = p.scale == Scale::kLog ? std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)))
                                      : lo + u * (hi - lo);
    return std::clamp(v, lo, hi);
  }
  if (p.scale == Scale::kLinear) {
    return std::min(hi, lo + std::floor(u * (hi - lo + 1)));
  }
  // Log int: each integer owns [k - 1/2, k + 1/2) of the log-uniform range,
  // so small values are more likely, as the log scale intends.
  double a = std::log(lo - 0.5);
  double b = std::log(hi + 0.5);
  return std::clamp(std::round(std::exp(a + u * (b - a))), lo, hi);
}

void Space::Settle(Config& config, bool draw_all, std::mt19937_64& rng) const {
  internal::Bounds bounds(slot_param_.size());
  for (size_t s = 0; s < bounds.size(); ++s) {
    bounds.lo(s) = slot_lo_[s];
    bounds.hi(s) = slot_hi_[s];
  }
  for (size_t i : order_) {
    const Param& p = params_[i];
    const int slot = compiled_[i].slot;
    if (!Active(i, config)) {
      config[i] = kInactive;
      if (slot >= 0) bounds.Drop(slot);
      continue;
    }
    double& v = config[i];
    bool draw = draw_all || std::isnan(v);
    switch (p.kind) {
      case Kind::kFixed:
        v = compiled_[i].number;
        break;
      case Kind::kCategorical:
        if (draw) v = static_cast<double>(UniformIndex(rng, p.choices.size()));
        break;
      case Kind::kFloat:
      case Kind::kInt: {
        double lo = slot >= 0 ? bounds.lo(slot) : p.min;
        double hi = slot >= 0 ? bounds.hi(slot) : p.max;
        v = draw ? Draw(i, lo, hi, rng) : std::clamp(v, lo, hi);
        break;
      }
    }
    if (slot >= 0) {
      // Pinning this value leaves every other range non-empty (bounds.h).
      bounds.lo(slot) = v;
      bounds.hi(slot) = v;
      internal::Propagate(edges_, slot_integral_, bounds);
    }
  }
}

Config Space::Sample(std::mt19937_64& rng) const {
  Config config(params_.size(), kInactive);
  Settle(config, /*draw_all=*/true, rng);
  return config;
}

bool Space::Mutable(size_t index, const Config& config) const {
  const Param& p = params_[index];
  if (std::isnan(config[index]) || p.kind == Kind::kFixed) return false;
  return p.kind != Kind::kCategorical || p.choices.size() > 1;
}

void Space::Move(size_t index, double sigma, Config& config, std::mt19937_64& rng) const {
  const Param& p = params_[index];
  double& v = config[index];
  if (p.kind == Kind::kCategorical) {
    if (UniformUnit(rng) >= SwitchProbability(sigma, p.choices.size())) return;
    // Any other choice, uniformly: choices have no order.
    double other = static_cast<double>(UniformIndex(rng, p.choices.size() - 1));
    v = other >= v ? other + 1 : other;
    return;
  }
  const Compiled& c = compiled_[index];
  const bool log = p.scale == Scale::kLog;
  double u = Reflect(ToUnit(index, v) + sigma * StandardNormal(rng));
  double t = c.t_min + u * (c.t_max - c.t_min);
  double moved = std::clamp(log ? std::exp(t) : t, p.min, p.max);
  if (p.kind == Kind::kInt) {
    // Stochastic rounding: a move of a fraction f of a step goes one whole
    // step with probability f, so small sigmas still move integers sometimes
    // and the move is unbiased.
    double base = std::floor(moved);
    moved = std::min(p.max, base + (UniformUnit(rng) < moved - base ? 1 : 0));
  }
  v = moved;
}

double Space::ToUnit(size_t index, double value) const {
  const Compiled& c = compiled_[index];
  const double t = params_[index].scale == Scale::kLog ? std::log(value) : value;
  return (t - c.t_min) / (c.t_max - c.t_min);
}

double Space::FromUnit(size_t index, double u) const {
  const Param& p = params_[index];
  const Compiled& c = compiled_[index];
  const double t = c.t_min + std::clamp(u, 0.0, 1.0) * (c.t_max - c.t_min);
  double v = std::clamp(p.scale == Scale::kLog ? std::exp(t) : t, p.min, p.max);
  return p.kind == Kind::kInt ? std::round(v) : v;
}

Config Space::Repair(const Config& config, std::mt19937_64& rng) const {
  if (config.size() != params_.size()) throw std::invalid_argument("Repair: wrong size");
  Config repaired = config;
  Settle(repaired, /*draw_all=*/false, rng);
  return repaired;
}

Config Space::Mutate(const Config& parent, const Mutation& m, std::mt19937_64& rng) const {
  if (parent.size() != params_.size()) throw std::invalid_argument("Mutate: parent has the wrong size");
  Config config = parent;
  size_t candidates = 0;
  for (size_t i = 0; i < config.size(); ++i) candidates += Mutable(i, config);
  size_t wanted = std::min(static_cast<size_t>(std::max(m.params, 0)), candidates);
  // Selection sampling: each candidate is taken with probability
  // (still wanted) / (still unseen), which picks a uniform subset in one pass.
  size_t seen = 0;
  for (size_t i = 0; i < config.size() && wanted > 0; ++i) {
    if (!Mutable(i, parent)) continue;
    if (UniformIndex(rng, candidates - seen) < wanted) {
      Move(i, m.sigma, config, rng);
      --wanted;
    }
    ++seen;
  }
  Settle(config, /*draw_all=*/false, rng);
  return config;
}

Config Space::Crossover(const Config& a, const Config& b, std::mt19937_64& rng) const {
  if (a.size() != params_.size() || b.size() != params_.size()) {
    throw std::invalid_argument("Crossover: a parent has the wrong size");
  }
  Config config(params_.size());
  for (size_t i = 0; i < config.size(); ++i) {
    bool from_a = (rng() >> 63) != 0;
    // Prefer a real value to NaN, so a parameter the child activates is
    // inherited from the parent that had it rather than drawn afresh.
    const double mine = from_a ? a[i] : b[i];
    const double other = from_a ? b[i] : a[i];
    config[i] = std::isnan(mine) ? other : mine;
  }
  Settle(config, /*draw_all=*/false, rng);
  return config;
}

}  // namespace rungs::space
