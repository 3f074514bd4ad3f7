#include "sched/options.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <string>

namespace rungs::sched {
namespace {

Error Bad(std::string_view field, const std::string& problem) {
  return Error{"scheduler option '" + std::string(field) + "' " + problem, std::string(field)};
}

// Shortest readable form: 1.5, 0.2, 1e-09.
std::string Num(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// Both ends finite and inside [low, high]; exponential ends must be > 0.
Status CheckSchedule(std::string_view field, const Schedule& s, double low,
                     double high) {
  for (double v : {s.start, s.end}) {
    if (!std::isfinite(v) || v < low || v > high) {
      return Bad(field, "must stay within [" + Num(low) + ", " + Num(high) +
                            "], got " + Num(v));
    }
  }
  if (s.shape == Shape::kExponential && (s.start <= 0 || s.end <= 0)) {
    return Bad(field, "has shape exponential, which needs start and end > 0");
  }
  return Status::Ok();
}

Status ValidateEvolution(const EvolutionOptions& e) {
  RUNGS_RETURN_IF_ERROR(CheckSchedule("evolution.probability", e.probability, 0, 1));
  RUNGS_RETURN_IF_ERROR(CheckSchedule("evolution.tournament", e.tournament, 1, 1e6));
  RUNGS_RETURN_IF_ERROR(CheckSchedule("evolution.params", e.params, 1, 1e6));
  RUNGS_RETURN_IF_ERROR(CheckSchedule("evolution.sigma", e.sigma, 1e-9, 10));
  if (e.pool_size < 1 || e.pool_size > 1'000'000) {
    return Bad("evolution.pool_size", "must be in [1, 1000000], got " +
                                          std::to_string(e.pool_size));
  }
  if (e.min_parents < 1 || e.min_parents > e.pool_size) {
    return Bad("evolution.min_parents",
               "must be in [1, pool_size = " + std::to_string(e.pool_size) +
                   "], got " + std::to_string(e.min_parents));
  }
  return Status::Ok();
}

Status ValidateModel(const ModelOptions& m) {
  RUNGS_RETURN_IF_ERROR(CheckSchedule("model.probability", m.probability, 0, 1));
  if (m.min_points < 0 || m.min_points > 1'000'000) {
    return Bad("model.min_points", "must be in [0, 1000000] (0: computed), got " +
                                       std::to_string(m.min_points));
  }
  if (!(m.good_fraction > 0 && m.good_fraction < 1)) {
    return Bad("model.good_fraction", "must be in (0, 1), got " + Num(m.good_fraction));
  }
  if (m.window < 2 || m.window > 100'000) {
    return Bad("model.window", "must be in [2, 100000], got " + std::to_string(m.window));
  }
  if (m.candidates < 1 || m.candidates > 10'000) {
    return Bad("model.candidates", "must be in [1, 10000], got " + std::to_string(m.candidates));
  }
  if (m.pending < 0 || m.pending > 100'000) {
    return Bad("model.pending", "must be in [0, 100000], got " + std::to_string(m.pending));
  }
  if (!(m.bandwidth_factor > 0 && m.bandwidth_factor <= 100)) {
    return Bad("model.bandwidth_factor", "must be in (0, 100], got " + Num(m.bandwidth_factor));
  }
  if (!(m.min_bandwidth > 0 && m.min_bandwidth <= 1)) {
    return Bad("model.min_bandwidth", "must be in (0, 1], got " + Num(m.min_bandwidth));
  }
  return Status::Ok();
}

// The largest early-stopping rate that still gives a bracket: the first s
// with r * eta^s >= R, whose bracket is the single rung R.
int MaxEarlyStoppingRate(const Options& o) {
  int s = 0;
  for (int64_t epochs = o.min_epochs; epochs < o.max_epochs; epochs *= o.eta) ++s;
  return s;
}

}  // namespace

double Schedule::At(double t) const {
  t = std::isnan(t) ? 0 : std::clamp(t, 0.0, 1.0);
  switch (shape) {
    case Shape::kConstant:
      return start;
    case Shape::kLinear:
      return start + (end - start) * t;
    case Shape::kCosine:
      return start + (end - start) * (1 - std::cos(std::numbers::pi * t)) / 2;
    case Shape::kExponential:
      return start * std::pow(end / start, t);
  }
  return start;
}

Status Validate(const Options& o) {
  if (o.metric.empty()) return Bad("metric", "must name the objective");
  if (o.eta < kMinEta) {
    return Bad("eta", "must be >= " + std::to_string(kMinEta) + ", got " + std::to_string(o.eta));
  }
  if (o.min_epochs < kMinEpochs) {
    return Bad("min_epochs", "must be >= " + std::to_string(kMinEpochs) + ", got " +
                                 std::to_string(o.min_epochs));
  }
  if (o.max_epochs < o.min_epochs) {
    return Bad("max_epochs", "(R = " + std::to_string(o.max_epochs) +
                                 ") must be >= min_epochs (r = " +
                                 std::to_string(o.min_epochs) + ")");
  }
  const int s_max = MaxEarlyStoppingRate(o);
  if (o.early_stopping_rate < 0 || o.early_stopping_rate > s_max) {
    return Bad("early_stopping_rate",
               "must be in [0, " + std::to_string(s_max) + "] for r = " +
                   std::to_string(o.min_epochs) + ", R = " + std::to_string(o.max_epochs) +
                   ", eta = " + std::to_string(o.eta) + "; got " +
                   std::to_string(o.early_stopping_rate));
  }
  if (o.brackets < 0 || o.early_stopping_rate + o.brackets - 1 > s_max) {
    return Bad("brackets", "must be in [0, " + std::to_string(s_max - o.early_stopping_rate + 1) +
                               "] (early_stopping_rate + brackets - 1 <= " +
                               std::to_string(s_max) + "), got " + std::to_string(o.brackets));
  }
  if (!(o.lr_gamma > 0 && o.lr_gamma <= 1)) {
    return Bad("lr_gamma", "must be in (0, 1], got " + Num(o.lr_gamma));
  }
  if (o.budget_epochs < 0) return Bad("budget_epochs", "must be >= 0 (0: no limit)");
  if (o.max_trials < 0) return Bad("max_trials", "must be >= 0 (0: no limit)");
  if (!(o.max_seconds >= 0) || !std::isfinite(o.max_seconds)) {
    return Bad("max_seconds", "must be finite and >= 0 (0: no limit)");
  }
  if (o.budget_epochs == 0 && o.max_trials == 0 && o.max_seconds == 0) {
    return Fail("scheduler options set no limit: give budget_epochs, max_trials or max_seconds");
  }
  if (o.sha_trials < 0) return Bad("sha_trials", "must be >= 0 (0: computed)");
  if (!(o.pasha.epsilon >= 0) || !std::isfinite(o.pasha.epsilon)) {
    return Bad("pasha.epsilon", "must be finite and >= 0, got " + Num(o.pasha.epsilon));
  }
  RUNGS_RETURN_IF_ERROR(ValidateModel(o.model));
  return ValidateEvolution(o.evolution);
}

Result<Shape> ParseShape(std::string_view name) {
  if (name == "constant") return Shape::kConstant;
  if (name == "linear") return Shape::kLinear;
  if (name == "cosine") return Shape::kCosine;
  if (name == "exponential") return Shape::kExponential;
  return Fail("unknown schedule shape '" + std::string(name) +
              "' (expected constant, linear, cosine or exponential)");
}

Result<Direction> ParseDirection(std::string_view name) {
  if (name == "min" || name == "minimize") return Direction::kMinimize;
  if (name == "max" || name == "maximize") return Direction::kMaximize;
  return Fail("unknown direction '" + std::string(name) + "' (expected minimize or maximize)");
}

std::string_view PromotionName(job::Promotion promotion) {
  return promotion == job::Promotion::kRestart ? "restart" : "resume";
}

Result<job::Promotion> ParsePromotion(std::string_view name) {
  for (job::Promotion promotion : kPromotions) {
    if (PromotionName(promotion) == name) return promotion;
  }
  return Fail("unknown promotion '" + std::string(name) + "' (expected resume or restart)");
}

}  // namespace rungs::sched
