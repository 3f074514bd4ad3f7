// Space lookups and membership; building is in space_build.cc, sampling in
// space_sample.cc, (de)serialization in space_toml.cc and space_json.cc.

#include "space/space.h"

#include <algorithm>
#include <cmath>

namespace rungs::space {

std::optional<size_t> Space::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].name == name) return i;
  }
  return std::nullopt;
}

bool Space::Active(size_t index, const Config& config) const {
  const Compiled& c = compiled_[index];
  for (uint32_t k = c.clause_begin; k < c.clause_end; ++k) {
    const Clause& clause = clauses_[k];
    double v = config[clause.parent];
    if (std::isnan(v)) return false;  // an inactive parent switches its children off
    bool holds = false;
    switch (clause.test) {
      case Clause::Test::kConstant:
        holds = clause.constant;
        break;
      case Clause::Test::kChoice:
        holds = v >= 0 && v < clause.end - clause.begin &&
                accepts_[clause.begin + static_cast<size_t>(v)];
        break;
      case Clause::Test::kNumber: {
        bool any = false;
        for (uint32_t j = clause.begin; j < clause.end; ++j) any = any || v == numbers_[j];
        double t = numbers_[clause.begin];
        switch (clause.op) {
          case Op::kEq: case Op::kIn: holds = any; break;
          case Op::kNe: case Op::kNotIn: holds = !any; break;
          case Op::kLt: holds = v < t; break;
          case Op::kLe: holds = v <= t; break;
          case Op::kGt: holds = v > t; break;
          case Op::kGe: holds = v >= t; break;
        }
        break;
      }
    }
    if (!holds) return false;
  }
  return true;
}

bool Space::Contains(const Config& config) const {
  if (config.size() != params_.size()) return false;
  // Parents come first in order_, so a child's condition reads checked values.
  for (size_t i : order_) {
    double v = config[i];
    if (!Active(i, config)) {
      if (!std::isnan(v)) return false;
      continue;
    }
    const Param& p = params_[i];
    bool ok = false;
    switch (p.kind) {
      case Kind::kFloat: ok = v >= p.min && v <= p.max; break;
      case Kind::kInt: ok = v >= p.min && v <= p.max && v == std::floor(v); break;
      case Kind::kCategorical:
        ok = v >= 0 && v < static_cast<double>(p.choices.size()) && v == std::floor(v);
        break;
      case Kind::kFixed: ok = v == compiled_[i].number; break;
    }
    if (!ok) return false;
  }
  for (const internal::Edge& e : edges_) {
    double x = config[slot_param_[e.x]];
    double y = config[slot_param_[e.y]];
    if (std::isnan(x) || std::isnan(y)) continue;
    if (e.strict ? !(x < y) : !(x <= y)) return false;
  }
  return true;
}

bool Space::SameConfigs(const std::vector<Config>& a, const std::vector<Config>& b) {
  auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (!std::equal(a[k].begin(), a[k].end(), b[k].begin(), b[k].end(), same)) return false;
  }
  return true;
}

}  // namespace rungs::space
