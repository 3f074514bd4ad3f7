// Space::ToJson and Space::FromJson: configurations by parameter name.

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "space/space.h"
#include "space/text_format.h"

namespace rungs::space {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The JSON value as a Value, if it is a scalar.
std::optional<Value> JsonValue(const nlohmann::json& j) {
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) return Value(j.get<int64_t>());
  if (j.is_number()) return Value(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  return std::nullopt;
}

}  // namespace

nlohmann::json Space::ToJson(const Config& config) const {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < params_.size() && i < config.size(); ++i) {
    double v = config[i];
    if (std::isnan(v)) continue;
    const Param& p = params_[i];
    switch (p.kind) {
      case Kind::kFloat: out[p.name] = v; break;
      case Kind::kInt: out[p.name] = static_cast<int64_t>(v); break;
      case Kind::kCategorical:
        // An index outside the choices (a config not in the space) is written as null.
        out[p.name] = v >= 0 && v < static_cast<double>(p.choices.size())
                          ? ValueToJson(p.choices[static_cast<size_t>(v)])
                          : nlohmann::json();
        break;
      case Kind::kFixed: out[p.name] = ValueToJson(p.value); break;
    }
  }
  return out;
}

Result<Config> Space::FromJson(const nlohmann::json& json) const {
  if (!json.is_object()) return Fail("configuration: expected a JSON object of parameter values");
  for (const auto& [key, value] : json.items()) {
    if (!IndexOf(key)) return Fail("configuration: unknown parameter '" + key + "'");
  }
  Config config(params_.size(), kNaN);
  for (size_t i : order_) {
    const Param& p = params_[i];
    const std::string at = "configuration: parameter '" + p.name + "': ";
    auto it = json.find(p.name);
    bool active = Active(i, config);
    if (!active) {
      if (it != json.end()) return Fail(at + "is given but inactive (its condition does not hold)");
      continue;
    }
    if (it == json.end()) {
      if (p.kind != Kind::kFixed) return Fail(at + "is missing");
      config[i] = compiled_[i].number;
      continue;
    }
    std::optional<Value> value = JsonValue(*it);
    if (!value) return Fail(at + "must be a number, string or boolean, got " + it->dump());
    std::optional<double> number = AsNumber(*value);
    switch (p.kind) {
      case Kind::kFloat:
      case Kind::kInt:
        if (!number) return Fail(at + "must be a number, got " + it->dump());
        if (p.kind == Kind::kInt && *number != std::floor(*number)) {
          return Fail(at + "must be an integer, got " + it->dump());
        }
        if (!(*number >= p.min && *number <= p.max)) {
          return Fail(at + it->dump() + " is outside [" + FormatDouble(p.min) + ", " +
                      FormatDouble(p.max) + "]");
        }
        config[i] = *number;
        break;
      case Kind::kCategorical:
        for (size_t j = 0; j < p.choices.size() && std::isnan(config[i]); ++j) {
          if (SameValue(p.choices[j], *value)) config[i] = static_cast<double>(j);
        }
        if (std::isnan(config[i])) return Fail(at + it->dump() + " is not one of its choices");
        break;
      case Kind::kFixed:
        if (!SameValue(p.value, *value)) {
          return Fail(at + "is fixed at " + ValueText(p.value) + ", got " + it->dump());
        }
        config[i] = compiled_[i].number;
        break;
    }
  }
  for (size_t k = 0; k < edges_.size(); ++k) {
    const internal::Edge& e = edges_[k];
    double x = config[slot_param_[e.x]];
    double y = config[slot_param_[e.y]];
    if (!std::isnan(x) && !std::isnan(y) && (e.strict ? !(x < y) : !(x <= y))) {
      return Fail("configuration: constraint '" + constraints_[k].Text() + "' does not hold");
    }
  }
  return config;
}

}  // namespace rungs::space
