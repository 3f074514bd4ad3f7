#include "sched/tpe.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "space/random.h"

namespace rungs::sched {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kLogSqrtTwoPi = 0.5 * std::log(2 * std::numbers::pi);
constexpr double kUniformSd = 0.28867513459481287;  // sd of U(0, 1): 1 / sqrt(12)

// Folds u back into [0, 1] as if the bounds were mirrors.
double Reflect(double u) {
  double t = std::fmod(std::abs(u), 2.0);
  return t > 1.0 ? 2.0 - t : t;
}

// log(sum(exp(terms))) without overflow; -infinity for no terms. Terms more
// than 40 below the largest add less than 1e-17 of it and are skipped,
// which spares most of the exp calls: kernels far from x are tiny.
double LogSumExp(const std::vector<double>& terms) {
  double top = -std::numeric_limits<double>::infinity();
  for (double t : terms) top = std::max(top, t);
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double t : terms) {
    if (t > top - 40) sum += std::exp(t - top);
  }
  return top + std::log(sum);
}

}  // namespace

Tpe::Tpe(const ModelOptions& options, const space::Space& space, int levels)
    : options_(options),
      space_(space),
      dims_(space.size()),
      choice_(dims_, 0),
      modelled_(dims_, 0),
      log_uniform_(dims_, 0),
      windows_(static_cast<size_t>(levels)) {
  int free = 0;
  for (size_t i = 0; i < dims_; ++i) {
    const space::Param& p = space.param(i);
    choice_[i] = p.kind == space::Kind::kCategorical;
    modelled_[i] = p.kind == space::Kind::kFloat || p.kind == space::Kind::kInt ||
                   (choice_[i] && p.choices.size() > 1);
    if (choice_[i]) log_uniform_[i] = -std::log(static_cast<double>(p.choices.size()));
    free += modelled_[i];
  }
  min_points_ = options.min_points > 0 ? options.min_points : free + 2;
}

std::vector<double> Tpe::ToUnits(const space::Config& config) const {
  std::vector<double> units(dims_, kNaN);
  for (size_t i = 0; i < dims_; ++i) {
    if (!modelled_[i] || std::isnan(config[i])) continue;
    units[i] = choice_[i] ? config[i] : space_.ToUnit(i, config[i]);
  }
  return units;
}

void Tpe::Record(int level, const Rank& rank, const space::Config& config) {
  Window& w = windows_[level];
  const std::vector<double> units = ToUnits(config);
  if (w.ranks.size() < static_cast<size_t>(options_.window)) {
    w.ranks.push_back(rank);
    w.units.insert(w.units.end(), units.begin(), units.end());
  } else {
    w.ranks[w.oldest] = rank;
    std::copy(units.begin(), units.end(), w.units.begin() + w.oldest * dims_);
    w.oldest = (w.oldest + 1) % w.ranks.size();
  }
  ++w.version;
}

void Tpe::Started(uint32_t trial, const space::Config& config) {
  if (options_.pending == 0) return;
  const std::vector<double> units = ToUnits(config);
  if (started_.size() < static_cast<size_t>(options_.pending)) {
    started_.push_back(trial);
    started_units_.insert(started_units_.end(), units.begin(), units.end());
    return;
  }
  started_[started_next_] = trial;
  std::copy(units.begin(), units.end(), started_units_.begin() + started_next_ * dims_);
  started_next_ = (started_next_ + 1) % started_.size();
}

int Tpe::Source() const {
  for (size_t level = windows_.size(); level-- > 0;) {
    if (windows_[level].ranks.size() >= static_cast<size_t>(min_points_)) {
      return static_cast<int>(level);
    }
  }
  return -1;
}

void Tpe::SetWidths(Density& d) const {
  d.width.assign(dims_, 0);
  d.inverse.assign(dims_, 0);
  d.log_norm.assign(dims_, 0);
  d.log_off.assign(dims_, 0);
  for (size_t i = 0; i < dims_; ++i) {
    if (!modelled_[i]) continue;
    double n = 0, sum = 0, squares = 0;
    for (size_t j = 0; j < d.n; ++j) {
      const double u = d.units[j * dims_ + i];
      if (std::isnan(u)) continue;
      n += 1;
      sum += u;
      squares += u * u;
    }
    const double shrink = n > 0 ? std::pow(n, -0.2) : 1.0;
    if (choice_[i]) {
      const double k = static_cast<double>(space_.param(i).choices.size());
      const double lambda = (k - 1) / k * shrink;
      d.width[i] = lambda;
      d.log_norm[i] = std::log(1 - lambda);
      d.log_off[i] = std::log(lambda / (k - 1));
      continue;
    }
    const double sd =
        n >= 2 ? std::sqrt(std::max(0.0, (squares - sum * sum / n) / (n - 1))) : kUniformSd;
    const double h = std::clamp(1.06 * sd * shrink, options_.min_bandwidth, 1.0);
    d.width[i] = h;
    d.inverse[i] = 1 / h;
    d.log_norm[i] = -std::log(h) - kLogSqrtTwoPi;
  }
}

void Tpe::Fit(int level) {
  const Window& w = windows_[level];
  const size_t n = w.ranks.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&w](uint32_t a, uint32_t b) { return w.ranks[a] < w.ranks[b]; });
  // As BOHB: each set has at least min_points - 1 members (the free
  // parameters + 1 by default), so while a level has few results the sets
  // overlap and the model stays close to the spread of all of them.
  const size_t least = std::min(n - 1, static_cast<size_t>(min_points_ - 1));
  const size_t good = std::max(
      least, static_cast<size_t>(std::ceil(options_.good_fraction * static_cast<double>(n))));
  const size_t bad = std::max(least, n - good);
  auto fill = [&](Density& d, size_t begin, size_t end) {
    d.n = end - begin;
    d.units.resize(d.n * dims_);
    for (size_t j = begin; j < end; ++j) {
      std::copy_n(w.units.begin() + order[j] * dims_, dims_, d.units.begin() + (j - begin) * dims_);
    }
    SetWidths(d);
  };
  fill(good_, 0, good);
  fill(bad_, n - bad, n);
  fitted_level_ = level;
  fitted_version_ = w.version;
}

space::Config Tpe::Draw(std::mt19937_64& rng) const {
  const size_t j = space::UniformIndex(rng, good_.n);
  space::Config config(dims_, kNaN);
  for (size_t i = 0; i < dims_; ++i) {
    const double u = good_.units[j * dims_ + i];
    if (!modelled_[i] || std::isnan(u)) continue;  // Repair fills what is needed
    if (choice_[i]) {
      const size_t k = space_.param(i).choices.size();
      double v = u;
      if (space::UniformUnit(rng) < good_.width[i]) {
        // Any other choice, uniformly.
        const double other = static_cast<double>(space::UniformIndex(rng, k - 1));
        v = other >= u ? other + 1 : other;
      }
      config[i] = v;
      continue;
    }
    const double sd = good_.width[i] * options_.bandwidth_factor;
    config[i] = space_.FromUnit(i, Reflect(u + sd * space::StandardNormal(rng)));
  }
  return space_.Repair(config, rng);
}

void Tpe::AddKernels(const Density& widths, const double* points, size_t n,
                     const std::vector<double>& x, std::vector<double>& terms) const {
  for (size_t j = 0; j < n; ++j) {
    const double* point = points + j * dims_;
    double sum = 0;
    for (size_t i = 0; i < dims_; ++i) {
      const double xi = x[i];
      if (std::isnan(xi)) continue;
      const double p = point[i];
      if (std::isnan(p)) {
        sum += log_uniform_[i];
      } else if (choice_[i]) {
        sum += p == xi ? widths.log_norm[i] : widths.log_off[i];
      } else {
        const double z = (xi - p) * widths.inverse[i];
        sum += widths.log_norm[i] - 0.5 * z * z;
      }
    }
    terms.push_back(sum);
  }
}

double Tpe::LogMixture(std::vector<double>& terms, const std::vector<double>& x) const {
  double prior = 0;  // the uniform point
  for (size_t i = 0; i < dims_; ++i) {
    if (!std::isnan(x[i])) prior += log_uniform_[i];
  }
  terms.push_back(prior);
  return LogSumExp(terms) - std::log(static_cast<double>(terms.size()));
}

space::Config Tpe::Propose(std::mt19937_64& rng,
                           const std::function<bool(uint32_t)>& running_first_job) {
  const int level = Source();
  if (level != fitted_level_ || windows_[level].version != fitted_version_) Fit(level);
  std::vector<double> pending;
  size_t pending_n = 0;
  for (size_t k = 0; k < started_.size(); ++k) {
    if (!running_first_job(started_[k])) continue;
    pending.insert(pending.end(), started_units_.begin() + k * dims_,
                   started_units_.begin() + (k + 1) * dims_);
    ++pending_n;
  }
  space::Config best;
  double best_score = -std::numeric_limits<double>::infinity();
  std::vector<double> terms;
  for (int c = 0; c < options_.candidates; ++c) {
    space::Config candidate = Draw(rng);
    const std::vector<double> x = ToUnits(candidate);
    terms.clear();
    AddKernels(good_, good_.units.data(), good_.n, x, terms);
    const double log_good = LogMixture(terms, x);
    terms.clear();
    AddKernels(bad_, bad_.units.data(), bad_.n, x, terms);
    AddKernels(good_, pending.data(), pending_n, x, terms);
    const double score = log_good - LogMixture(terms, x);
    if (best.empty() || score > best_score) {
      best_score = score;
      best = std::move(candidate);
    }
  }
  return best;
}

}  // namespace rungs::sched
