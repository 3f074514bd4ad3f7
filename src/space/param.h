// Param, Condition, Constraint: a search space as written, before Space
// checks and compiles it. Build them in code with the factories below, or
// let Space::FromToml read them (format: doc/space.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "space/value.h"

namespace rungs::space {

enum class Kind { kFloat, kInt, kCategorical, kFixed };
enum class Scale { kLinear, kLog };

// Comparison in a condition (all of them) or a constraint (<, <=, >, >=).
enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn };

// "==", "!=", "<", "<=", ">", ">=", "in", "not in".
std::string_view OpName(Op op);
std::optional<Op> ParseOp(std::string_view name);

// Holds when parameter `param` is active and `param op values` is true:
// one value for ==, != and the orderings, one or more for in / not in.
struct Condition {
  std::string param;
  Op op = Op::kEq;
  std::vector<Value> values;

  bool operator==(const Condition&) const = default;
};

// `left op right` between two numeric parameters; it only binds when both
// are active.
struct Constraint {
  std::string left;
  Op op = Op::kGe;
  std::string right;

  // "maxn >= minn"; a name other than letters, digits, _ - . is quoted.
  std::string Text() const;
  bool operator==(const Constraint&) const = default;
};

struct Param {
  std::string name;
  Kind kind = Kind::kFloat;
  Scale scale = Scale::kLinear;  // float and int
  double min = 0;                // float and int: inclusive bounds
  double max = 1;
  std::vector<Value> choices;    // categorical
  Value value;                   // fixed
  std::vector<Condition> when;   // active only when all of these hold

  static Param Float(std::string name, double min, double max, Scale scale = Scale::kLinear);
  static Param Int(std::string name, int64_t min, int64_t max, Scale scale = Scale::kLinear);
  static Param Choice(std::string name, std::vector<Value> choices);
  static Param Fixed(std::string name, Value value);
  // Adds a condition; returns *this so calls chain.
  Param& When(std::string param, Op op, std::vector<Value> values);

  bool operator==(const Param&) const = default;
};

}  // namespace rungs::space
