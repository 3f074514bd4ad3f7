// Space::Create: checks a space as written and compiles it for fast
// sampling (conditions to masks and thresholds, constraints to edges).

#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>

#include "space/space.h"
#include "space/text_format.h"

namespace rungs::space {
namespace {

constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53: larger ints lose precision

bool IsOrdering(Op op) {
  return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe;
}

bool IsNumericParam(const Param& p) {
  return p.kind == Kind::kFloat || p.kind == Kind::kInt ||
         (p.kind == Kind::kFixed && AsNumber(p.value).has_value());
}

// Whether `value op values` holds; orderings need numbers (checked earlier).
bool Evaluate(const Value& value, Op op, const std::vector<Value>& values) {
  bool any = false;
  for (const Value& v : values) any = any || SameValue(value, v);
  switch (op) {
    case Op::kEq:
    case Op::kIn: return any;
    case Op::kNe:
    case Op::kNotIn: return !any;
    default: break;
  }
  double a = *AsNumber(value);
  double b = *AsNumber(values[0]);
  switch (op) {
    case Op::kLt: return a < b;
    case Op::kLe: return a <= b;
    case Op::kGt: return a > b;
    default: return a >= b;
  }
}

// Says where a problem is: "space.toml:12: parameter 'lr': ".
class Locator {
 public:
  Locator(std::string_view origin, const std::vector<Param>& params,
          const std::vector<int>& param_lines, const std::vector<Constraint>& constraints,
          const std::vector<int>& constraint_lines)
      : origin_(origin), params_(params), param_lines_(param_lines),
        constraints_(constraints), constraint_lines_(constraint_lines) {}

  Error Param(size_t i, const std::string& problem) const {
    return Fail(Place(param_lines_, i) + ": parameter '" + params_[i].name + "': " + problem);
  }
  Error Constraint(size_t i, const std::string& problem) const {
    return Fail(Place(constraint_lines_, i) + ": constraint '" + constraints_[i].Text() +
                "': " + problem);
  }
  Error Space(const std::string& problem) const { return Fail(origin_ + ": " + problem); }

 private:
  std::string Place(const std::vector<int>& lines, size_t i) const {
    if (i < lines.size() && lines[i] > 0) return origin_ + ":" + std::to_string(lines[i]);
    return origin_;
  }

  std::string origin_;
  const std::vector<rungs::space::Param>& params_;
  const std::vector<int>& param_lines_;
  const std::vector<rungs::space::Constraint>& constraints_;
  const std::vector<int>& constraint_lines_;
};

// Checks one parameter's own fields and clears the ones its kind ignores,
// so equal spaces compare equal however they were built.
Status CheckParam(Param& p, size_t i, const Locator& at) {
  if (p.kind == Kind::kFloat || p.kind == Kind::kInt) {
    p.choices.clear();
    p.value = Value{};
    if (!std::isfinite(p.min) || !std::isfinite(p.max)) return at.Param(i, "min and max must be finite");
    if (p.min >= p.max) {
      return at.Param(i, "min (" + FormatDouble(p.min) + ") must be less than max (" +
                             FormatDouble(p.max) + ")");
    }
    if (p.scale == Scale::kLog && p.min <= 0) {
      return at.Param(i, "log scale needs min > 0, got " + FormatDouble(p.min));
    }
    if (p.kind == Kind::kInt && (p.min != std::floor(p.min) || p.max != std::floor(p.max) ||
                                 std::abs(p.min) > kMaxExactInt || std::abs(p.max) > kMaxExactInt)) {
      return at.Param(i, "min and max of an int must be integers within 2^53");
    }
    return Status::Ok();
  }
  p.scale = Scale::kLinear;
  p.min = 0;
  p.max = 1;
  if (p.kind == Kind::kFixed) {
    p.choices.clear();
    if (auto x = AsNumber(p.value); x && !std::isfinite(*x)) return at.Param(i, "value must be finite");
    return Status::Ok();
  }
  p.value = Value{};
  if (p.choices.empty()) return at.Param(i, "choices are empty");
  for (size_t j = 0; j < p.choices.size(); ++j) {
    if (auto x = AsNumber(p.choices[j]); x && !std::isfinite(*x)) {
      return at.Param(i, "choice " + ValueText(p.choices[j]) + " must be finite");
    }
    for (size_t k = 0; k < j; ++k) {
      if (SameValue(p.choices[j], p.choices[k])) {
        return at.Param(i, "choice " + ValueText(p.choices[j]) + " appears twice");
      }
    }
  }
  return Status::Ok();
}

// Checks that `c` (a condition of parameter i) makes sense for its parent.
Status CheckCondition(const Condition& c, const Param& parent, size_t i, const Locator& at) {
  std::string what = "condition on '" + c.param + "'";
  bool list = c.op == Op::kIn || c.op == Op::kNotIn;
  if (list ? c.values.empty() : c.values.size() != 1) {
    return at.Param(i, what + ": '" + std::string(OpName(c.op)) + "' takes " +
                           (list ? "one or more values" : "exactly one value"));
  }
  for (const Value& v : c.values) {
    bool numeric = AsNumber(v).has_value();
    if (IsOrdering(c.op) && !numeric) {
      return at.Param(i, what + ": '" + std::string(OpName(c.op)) + "' needs a number, got " +
                             ValueText(v));
    }
    if (parent.kind == Kind::kFloat || parent.kind == Kind::kInt) {
      if (!numeric) return at.Param(i, what + ": compares a number with " + ValueText(v));
    } else if (parent.kind == Kind::kCategorical) {
      bool found = false;
      for (const Value& choice : parent.choices) {
        found = found || SameValue(choice, v);
        if (IsOrdering(c.op) && !AsNumber(choice)) {
          return at.Param(i, what + ": '" + std::string(OpName(c.op)) +
                                 "' needs numeric choices, but " + ValueText(choice) + " is not");
        }
      }
      if (!found && !IsOrdering(c.op)) {
        return at.Param(i, what + ": " + ValueText(v) + " is not one of its choices");
      }
    } else if (IsOrdering(c.op) && !AsNumber(parent.value)) {
      return at.Param(i, what + ": '" + std::string(OpName(c.op)) + "' needs a numeric value");
    }
  }
  return Status::Ok();
}

// Parameters in dependency order (Kahn's algorithm), taking the lowest ready
// index first so the order follows the declaration wherever conditions
// allow; or an error naming a cycle.
Result<std::vector<size_t>> DependencyOrder(const std::vector<Param>& ps,
                                            const std::vector<std::vector<size_t>>& parents,
                                            std::string_view origin) {
  const size_t n = ps.size();
  std::vector<size_t> order;
  std::vector<size_t> waiting(n);
  std::vector<char> placed(n, 0);
  for (size_t i = 0; i < n; ++i) waiting[i] = parents[i].size();
  while (order.size() < n) {
    size_t next = n;
    for (size_t i = 0; i < n && next == n; ++i) {
      if (!placed[i] && waiting[i] == 0) next = i;
    }
    if (next == n) break;
    placed[next] = 1;
    order.push_back(next);
    for (size_t i = 0; i < n; ++i) {
      for (size_t parent : parents[i]) waiting[i] -= parent == next;
    }
  }
  if (order.size() == n) return order;
  // Every unplaced parameter has an unplaced parent: follow them to a loop.
  size_t at = 0;
  while (placed[at]) ++at;
  std::vector<size_t> path;
  std::vector<char> seen(n, 0);
  while (!seen[at]) {
    seen[at] = 1;
    path.push_back(at);
    for (size_t parent : parents[at]) {
      if (!placed[parent]) {
        at = parent;
        break;
      }
    }
  }
  std::string loop;
  size_t start = 0;
  while (path[start] != at) ++start;
  for (size_t k = start; k < path.size(); ++k) loop += "'" + ps[path[k]].name + "' -> ";
  loop += "'" + ps[at].name + "'";
  return Fail(std::string(origin) + ": conditions form a cycle: " + loop +
              " (each is conditional on the next)");
}

// The indices of the two parameters constraint k compares, once checked.
Result<std::pair<size_t, size_t>> ConstraintSides(
    const Constraint& con, size_t k, const std::vector<Param>& ps,
    const std::unordered_map<std::string, size_t>& index, const Locator& at) {
  if (!IsOrdering(con.op)) return at.Constraint(k, "the comparison must be <, <=, > or >=");
  size_t sides[2];
  const std::string* names[2] = {&con.left, &con.right};
  for (int s = 0; s < 2; ++s) {
    auto it = index.find(*names[s]);
    if (it == index.end()) return at.Constraint(k, "unknown parameter '" + *names[s] + "'");
    if (!IsNumericParam(ps[it->second])) {
      return at.Constraint(k, "parameter '" + *names[s] + "' is not numeric");
    }
    sides[s] = it->second;
  }
  if (sides[0] == sides[1]) return at.Constraint(k, "compares a parameter with itself");
  return std::make_pair(sides[0], sides[1]);
}

}  // namespace

Result<Space> Space::Create(std::vector<Param> params, std::vector<Constraint> constraints,
                            std::string_view origin) {
  return Build(std::move(params), std::move(constraints), origin, {}, {});
}

Space::Clause Space::CompileClause(const Condition& cond, size_t parent_index) {
  const Param& parent = params_[parent_index];
  Clause clause;
  clause.parent = static_cast<uint32_t>(parent_index);
  clause.op = cond.op;
  if (parent.kind == Kind::kFixed) {
    clause.test = Clause::Test::kConstant;
    clause.constant = Evaluate(parent.value, cond.op, cond.values);
  } else if (parent.kind == Kind::kCategorical) {
    // Answered once per choice here, so testing it later is one lookup.
    clause.test = Clause::Test::kChoice;
    clause.begin = static_cast<uint32_t>(accepts_.size());
    for (const Value& choice : parent.choices) {
      accepts_.push_back(Evaluate(choice, cond.op, cond.values));
    }
    clause.end = static_cast<uint32_t>(accepts_.size());
  } else {
    clause.test = Clause::Test::kNumber;
    clause.begin = static_cast<uint32_t>(numbers_.size());
    for (const Value& v : cond.values) numbers_.push_back(*AsNumber(v));
    clause.end = static_cast<uint32_t>(numbers_.size());
  }
  return clause;
}

Result<Space> Space::Build(std::vector<Param> params, std::vector<Constraint> constraints,
                           std::string_view origin, const std::vector<int>& param_lines,
                           const std::vector<int>& constraint_lines) {
  Space space;
  space.params_ = std::move(params);
  space.constraints_ = std::move(constraints);
  std::vector<Param>& ps = space.params_;
  Locator at(origin, ps, param_lines, space.constraints_, constraint_lines);
  if (ps.empty()) return at.Space("the space has no parameters");
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].name.empty()) return at.Param(i, "the name is empty");
    if (!index.emplace(ps[i].name, i).second) return at.Param(i, "the name appears twice");
    RUNGS_RETURN_IF_ERROR(CheckParam(ps[i], i, at));
  }
  const size_t n = ps.size();
  space.compiled_.resize(n);
  std::vector<std::vector<size_t>> parents(n);

  for (size_t i = 0; i < n; ++i) {
    Compiled& c = space.compiled_[i];
    const Param& p = ps[i];
    bool log = p.scale == Scale::kLog;
    c.t_min = log ? std::log(p.min) : p.min;
    c.t_max = log ? std::log(p.max) : p.max;
    c.number = AsNumber(p.value).value_or(0);
    c.clause_begin = static_cast<uint32_t>(space.clauses_.size());
    for (const Condition& cond : p.when) {
      auto it = index.find(cond.param);
      if (it == index.end()) return at.Param(i, "condition on unknown parameter '" + cond.param + "'");
      const Param& parent = ps[it->second];
      RUNGS_RETURN_IF_ERROR(CheckCondition(cond, parent, i, at));
      parents[i].push_back(it->second);
      space.clauses_.push_back(space.CompileClause(cond, it->second));
    }
    c.clause_end = static_cast<uint32_t>(space.clauses_.size());
  }

  Result<std::vector<size_t>> order = DependencyOrder(ps, parents, origin);
  if (!order.ok()) return order.error();
  space.order_ = std::move(*order);

  for (size_t k = 0; k < space.constraints_.size(); ++k) {
    const Constraint& con = space.constraints_[k];
    Result<std::pair<size_t, size_t>> sides = ConstraintSides(con, k, ps, index, at);
    if (!sides.ok()) return sides.error();
    for (size_t side : {sides->first, sides->second}) {
      int& slot = space.compiled_[side].slot;
      if (slot >= 0) continue;
      slot = static_cast<int>(space.slot_param_.size());
      space.slot_param_.push_back(side);
      space.slot_integral_.push_back(ps[side].kind == Kind::kInt);
    }
    // Stored as x <= y (or x < y): a > b is b < a.
    bool less = con.op == Op::kLt || con.op == Op::kLe;
    internal::Edge edge;
    edge.x = static_cast<uint32_t>(space.compiled_[less ? sides->first : sides->second].slot);
    edge.y = static_cast<uint32_t>(space.compiled_[less ? sides->second : sides->first].slot);
    edge.strict = con.op == Op::kLt || con.op == Op::kGt;
    space.edges_.push_back(edge);
  }
  internal::Bounds bounds(space.slot_param_.size());
  for (size_t s = 0; s < bounds.size(); ++s) {
    const Param& p = ps[space.slot_param_[s]];
    bool fixed = p.kind == Kind::kFixed;
    bounds.lo(s) = fixed ? space.compiled_[space.slot_param_[s]].number : p.min;
    bounds.hi(s) = fixed ? space.compiled_[space.slot_param_[s]].number : p.max;
  }
  if (!internal::Propagate(space.edges_, space.slot_integral_, bounds)) {
    return at.Space("the constraints cannot all hold within the parameters' ranges");
  }
  for (size_t s = 0; s < bounds.size(); ++s) {
    space.slot_lo_.push_back(bounds.lo(s));
    space.slot_hi_.push_back(bounds.hi(s));
  }
  return space;
}

}  // namespace rungs::space
