// Space: the hyperparameters to search, their ranges, scales and conditions.
//
// Parameters are float or int (linear or log scale), categorical, or fixed.
// A parameter may be conditional (active only when another parameter has a
// given value), and constraints may relate two parameters (maxn >= minn).
// Sampling is uniform in each parameter's own scale; mutation adds Gaussian
// noise in the unit interval of that scale. Everything here is pure: the
// caller passes the RNG. Not thread-safe for concurrent mutation of the same
// Space; const methods may be called from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "space/config.h"

namespace rungs::space {

enum class Kind { kFloat, kInt, kCategorical, kFixed };
enum class Scale { kLinear, kLog };

// How much a mutation moves: how many active parameters, and the standard
// deviation of the Gaussian noise in unit space.
struct Mutation {
  int params = 1;
  double sigma = 0.1;
};

class Space {
 public:
  // Parses a space written in TOML (format: doc/space.md). `origin` names the
  // file in error messages, which also name the parameter and the problem.
  static Result<Space> FromToml(std::string_view toml, std::string_view origin);
  std::string ToToml() const;  // FromToml(ToToml()) gives an equal space

  size_t size() const;
  // Index of the parameter called `name`, if any.
  std::optional<size_t> IndexOf(std::string_view name) const;
  const std::string& name(size_t index) const;
  Kind kind(size_t index) const;

  Config Sample(std::mt19937_64& rng) const;
  // A copy of `parent` with m.params active parameters moved by N(0, m.sigma)
  // in unit space; the result is inside the space and satisfies constraints.
  Config Mutate(const Config& parent, const Mutation& m, std::mt19937_64& rng) const;
  // Uniform crossover: each parameter from `a` or `b` with equal odds.
  Config Crossover(const Config& a, const Config& b, std::mt19937_64& rng) const;
  bool Contains(const Config& config) const;

  // {"lr": 0.1, "loss": "ns", ...}: inactive parameters are left out.
  nlohmann::json ToJson(const Config& config) const;
  Result<Config> FromJson(const nlohmann::json& json) const;
};

}  // namespace rungs::space
