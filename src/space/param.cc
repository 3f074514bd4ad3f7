#include "space/param.h"

#include <array>
#include <utility>

namespace rungs::space {
namespace {

constexpr std::array<std::pair<Op, std::string_view>, 8> kOpNames = {{
    {Op::kEq, "=="},
    {Op::kNe, "!="},
    {Op::kLt, "<"},
    {Op::kLe, "<="},
    {Op::kGt, ">"},
    {Op::kGe, ">="},
    {Op::kIn, "in"},
    {Op::kNotIn, "not in"},
}};

// A name as a constraint writes it: quoted unless it is a plain identifier.
std::string SideText(const std::string& name) {
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.';
    if (!plain) return "\"" + name + "\"";
  }
  return name;
}

}  // namespace

std::string_view OpName(Op op) {
  for (const auto& [o, name] : kOpNames) {
    if (o == op) return name;
  }
  return "?";
}

std::optional<Op> ParseOp(std::string_view name) {
  for (const auto& [op, text] : kOpNames) {
    if (text == name) return op;
  }
  return std::nullopt;
}

std::string Constraint::Text() const {
  return SideText(left) + " " + std::string(OpName(op)) + " " + SideText(right);
}

Param Param::Float(std::string name, double min, double max, Scale scale) {
  Param p;
  p.name = std::move(name);
  p.kind = Kind::kFloat;
  p.min = min;
  p.max = max;
  p.scale = scale;
  return p;
}

Param Param::Int(std::string name, int64_t min, int64_t max, Scale scale) {
  Param p = Float(std::move(name), static_cast<double>(min), static_cast<double>(max), scale);
  p.kind = Kind::kInt;
  return p;
}

Param Param::Choice(std::string name, std::vector<Value> choices) {
  Param p;
  p.name = std::move(name);
  p.kind = Kind::kCategorical;
  p.choices = std::move(choices);
  return p;
}

Param Param::Fixed(std::string name, Value value) {
  Param p;
  p.name = std::move(name);
  p.kind = Kind::kFixed;
  p.value = std::move(value);
  return p;
}

Param& Param::When(std::string param, Op op, std::vector<Value> values) {
  when.push_back(Condition{std::move(param), op, std::move(values)});
  return *this;
}

}  // namespace rungs::space
