// Space: the hyperparameters to search, their ranges, scales and conditions.
//
// Parameters are float or int (linear or log scale), categorical, or fixed.
// A parameter may be conditional (active only when other parameters have
// given values), and constraints may relate two parameters (maxn >= minn).
// Sampling is uniform in each parameter's own scale; mutation adds Gaussian
// noise in the unit interval of that scale. doc/space.md describes the TOML
// format and exactly how sampling, mutation and repair behave.
//
// Everything here is pure and deterministic: the caller passes the RNG, and
// the same seed and calls give the same configurations. A Space is immutable
// once built, so its const methods may be called from many threads at once
// (each with its own RNG).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "space/bounds.h"
#include "space/config.h"
#include "space/param.h"

namespace rungs::space {

// How much a mutation moves: how many active parameters, and the standard
// deviation of the Gaussian noise in unit space.
struct Mutation {
  int params = 1;
  double sigma = 0.1;
};

class Space {
 public:
  // Parses a space written in TOML (format: doc/space.md). `origin` names the
  // file in error messages, which also name the line, the parameter and the
  // problem.
  static Result<Space> FromToml(std::string_view toml, std::string_view origin);
  std::string ToToml() const;  // FromToml(ToToml()) gives an equal space

  // Builds a space in code. Parameters keep their order (Config indices);
  // errors are the same as FromToml's, with `origin` naming the source.
  static Result<Space> Create(std::vector<Param> params, std::vector<Constraint> constraints = {},
                              std::string_view origin = "space");

  size_t size() const { return params_.size(); }
  // Index of the parameter called `name`, if any.
  std::optional<size_t> IndexOf(std::string_view name) const;
  const std::string& name(size_t index) const { return params_[index].name; }
  Kind kind(size_t index) const { return params_[index].kind; }
  const Param& param(size_t index) const { return params_[index]; }
  const std::vector<Constraint>& constraints() const { return constraints_; }
  // Configurations to try first, in order, before any drawn at random (the
  // TOML's [[start]] tables): a known-good setting gives the search a strong
  // first trial to promote and, with evolution, to mutate.
  const std::vector<Config>& starts() const { return starts_; }

  // A configuration with every active parameter drawn uniformly in its own
  // scale, in dependency order; it satisfies all constraints.
  Config Sample(std::mt19937_64& rng) const;
  // A copy of `parent` with m.params active parameters moved by N(0, m.sigma)
  // in unit space; the result is inside the space and satisfies constraints.
  // `parent` must have size() entries (a wrong size throws: it is a bug).
  Config Mutate(const Config& parent, const Mutation& m, std::mt19937_64& rng) const;
  // Uniform crossover: each parameter from `a` or `b` with equal odds, then
  // the same repair as Mutate.
  Config Crossover(const Config& a, const Config& b, std::mt19937_64& rng) const;
  // A copy of `config` made valid the way Mutate repairs its children:
  // inactive parameters become NaN, active NaN ones are drawn, numbers are
  // clamped into the range the constraints leave. `config` must have size()
  // entries, integers already whole (a wrong size throws: it is a bug).
  Config Repair(const Config& config, std::mt19937_64& rng) const;
  // A float or int value mapped to [0, 1] in its parameter's own scale
  // (log scale: by its logarithm), and back; FromUnit clamps u into [0, 1]
  // and rounds an int to the nearest whole value.
  double ToUnit(size_t index, double value) const;
  double FromUnit(size_t index, double u) const;
  // True when every active parameter is in range, every inactive one is NaN
  // and every constraint holds.
  bool Contains(const Config& config) const;

  // {"lr": 0.1, "loss": "ns", ...}: inactive parameters are left out.
  // Meant for configurations in the space (Contains).
  nlohmann::json ToJson(const Config& config) const;
  // The configuration `json` names. Refuses unknown names, missing active
  // parameters, values given for inactive ones, wrong types, out-of-range
  // values and broken constraints, naming the parameter.
  Result<Config> FromJson(const nlohmann::json& json) const;

  // Same parameters (in the same order) and constraints.
  bool operator==(const Space& other) const {
    return params_ == other.params_ && constraints_ == other.constraints_ &&
           SameConfigs(starts_, other.starts_);
  }

 private:
  // One clause of a condition, compiled for a fast test on a Config.
  struct Clause {
    enum class Test : uint8_t { kConstant, kChoice, kNumber };
    uint32_t parent = 0;
    Test test = Test::kConstant;
    Op op = Op::kEq;
    bool constant = false;  // kConstant: the answer whenever the parent is active
    uint32_t begin = 0;     // kChoice: accepts_[begin + choice]; kNumber: numbers_[begin, end)
    uint32_t end = 0;
  };
  // Per parameter: the unit-space mapping and where its pieces live.
  struct Compiled {
    double t_min = 0;       // min and max in the parameter's scale (log'd for log)
    double t_max = 1;
    double number = 0;      // fixed: the value a Config holds
    int slot = -1;          // constraint slot, or -1
    uint32_t clause_begin = 0;
    uint32_t clause_end = 0;
  };

  Space() = default;
  // Create, with the source line of each parameter and constraint (0 when
  // unknown) for error messages.
  static Result<Space> Build(std::vector<Param> params, std::vector<Constraint> constraints,
                             std::string_view origin, const std::vector<int>& param_lines,
                             const std::vector<int>& constraint_lines);

  // Compiles a checked condition on parameter `parent_index`, appending to
  // accepts_ or numbers_.
  Clause CompileClause(const Condition& cond, size_t parent_index);
  bool Active(size_t index, const Config& config) const;
  // Walks parameters in dependency order: an inactive one becomes NaN; an
  // active one is drawn (always when `draw_all`, else when NaN) or clamped
  // into the range its constraints leave; fixed ones take their value.
  void Settle(Config& config, bool draw_all, std::mt19937_64& rng) const;
  double Draw(size_t index, double lo, double hi, std::mt19937_64& rng) const;
  void Move(size_t index, double sigma, Config& config, std::mt19937_64& rng) const;
  bool Mutable(size_t index, const Config& config) const;
  // Equal entry by entry, NaN (inactive) equal to NaN.
  static bool SameConfigs(const std::vector<Config>& a, const std::vector<Config>& b);

  std::vector<Param> params_;
  std::vector<Constraint> constraints_;
  std::vector<Config> starts_;
  std::vector<Compiled> compiled_;
  std::vector<size_t> order_;     // every parameter after those its conditions name
  std::vector<Clause> clauses_;
  std::vector<char> accepts_;     // categorical clauses: does choice j satisfy it
  std::vector<double> numbers_;   // numeric clauses: the values compared against
  std::vector<internal::Edge> edges_;       // constraints as slot x <= / < slot y
  std::vector<size_t> slot_param_;
  std::vector<char> slot_integral_;
  std::vector<double> slot_lo_;   // constrained ranges with every parameter active
  std::vector<double> slot_hi_;
};

}  // namespace rungs::space
