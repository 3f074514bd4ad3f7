// Space::FromToml and Space::ToToml: the TOML form of doc/space.md.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <tuple>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "space/space.h"
#include "space/text_format.h"

namespace rungs::space {
namespace {

struct TypeKeys {
  std::string_view type;
  Kind kind;
  std::initializer_list<std::string_view> keys;
};

constexpr std::string_view kAllKeys[] = {"type", "min", "max", "scale", "choices", "value", "when"};
const TypeKeys kTypes[] = {
    {"float", Kind::kFloat, {"type", "min", "max", "scale", "when"}},
    {"int", Kind::kInt, {"type", "min", "max", "scale", "when"}},
    {"choice", Kind::kCategorical, {"type", "choices", "when"}},
    {"fixed", Kind::kFixed, {"type", "value", "when"}},
};

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

// Reads one parameter table; errors name the file, line and parameter.
class ParamReader {
 public:
  ParamReader(std::string_view origin, std::string_view name)
      : origin_(origin), name_(name) {}

  Result<Param> Read(const toml::table& table) {
    Param p;
    p.name = name_;
    const toml::node* type = table.get("type");
    if (type == nullptr) return At(table, "missing key 'type' (float, int, choice or fixed)");
    const TypeKeys* spec = nullptr;
    for (const TypeKeys& t : kTypes) {
      if (type->value<std::string>() == t.type) spec = &t;
    }
    if (spec == nullptr) {
      return At(*type, "unknown type " + TypeText(*type) + " (expected float, int, choice or fixed)");
    }
    p.kind = spec->kind;
    for (auto&& [key, node] : table) {
      RUNGS_RETURN_IF_ERROR(CheckKey(key.str(), node, *spec));
    }
    if (p.kind == Kind::kFloat || p.kind == Kind::kInt) {
      RUNGS_RETURN_IF_ERROR(ReadBound(table, "min", p.kind, p.min));
      RUNGS_RETURN_IF_ERROR(ReadBound(table, "max", p.kind, p.max));
      RUNGS_RETURN_IF_ERROR(ReadScale(table, p.scale));
    } else if (p.kind == Kind::kCategorical) {
      RUNGS_RETURN_IF_ERROR(ReadChoices(table, p.choices));
    } else {
      const toml::node* value = table.get("value");
      if (value == nullptr) return At(table, "missing key 'value'");
      Result<Value> v = ReadValue(*value, "value");
      if (!v.ok()) return v.error();
      p.value = *v;
    }
    if (const toml::node* when = table.get("when")) RUNGS_RETURN_IF_ERROR(ReadWhen(*when, p.when));
    return p;
  }

 private:
  Error At(const toml::node& node, const std::string& problem) const {
    return Fail(std::string(origin_) + ":" + std::to_string(LineOf(node)) + ": parameter '" +
                std::string(name_) + "': " + problem);
  }

  static std::string TypeText(const toml::node& node) {
    auto s = node.value<std::string>();
    return s ? QuoteString(*s) : "(not a string)";
  }

  Status CheckKey(std::string_view key, const toml::node& node, const TypeKeys& spec) const {
    if (std::find(spec.keys.begin(), spec.keys.end(), key) != spec.keys.end()) return Status::Ok();
    if (std::find(std::begin(kAllKeys), std::end(kAllKeys), key) != std::end(kAllKeys)) {
      return At(node, "key '" + std::string(key) + "' does not apply to type \"" +
                          std::string(spec.type) + "\"");
    }
    return At(node, "unknown key '" + std::string(key) + "'");
  }

  Status ReadBound(const toml::table& table, std::string_view key, Kind kind, double& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return At(table, "missing key '" + std::string(key) + "'");
    if (node->is_integer()) {
      out = static_cast<double>(*node->value<int64_t>());
    } else if (node->is_floating_point() && kind == Kind::kFloat) {
      out = *node->value<double>();
    } else {
      return At(*node, "'" + std::string(key) + "' must be " +
                           (kind == Kind::kInt ? "an integer" : "a number"));
    }
    return Status::Ok();
  }

  Status ReadScale(const toml::table& table, Scale& out) const {
    const toml::node* node = table.get("scale");
    if (node == nullptr) return Status::Ok();
    auto s = node->value<std::string>();
    if (s == "linear") {
      out = Scale::kLinear;
    } else if (s == "log") {
      out = Scale::kLog;
    } else {
      return At(*node, "'scale' must be \"linear\" or \"log\"");
    }
    return Status::Ok();
  }

  Result<Value> ReadValue(const toml::node& node, std::string_view field) const {
    if (auto b = node.as_boolean()) return Value(b->get());
    if (auto i = node.as_integer()) return Value(i->get());
    if (auto d = node.as_floating_point()) return Value(d->get());
    if (auto s = node.as_string()) return Value(s->get());
    return At(node, "'" + std::string(field) + "' must be a string, number or boolean");
  }

  Status ReadChoices(const toml::table& table, std::vector<Value>& out) const {
    const toml::node* node = table.get("choices");
    if (node == nullptr) return At(table, "missing key 'choices'");
    const toml::array* array = node->as_array();
    if (array == nullptr) return At(*node, "'choices' must be an array");
    for (const toml::node& element : *array) {
      Result<Value> v = ReadValue(element, "choices");
      if (!v.ok()) return v.error();
      out.push_back(*v);
    }
    return Status::Ok();
  }

  // `when` is one inline table or an array of them (all must hold).
  Status ReadWhen(const toml::node& node, std::vector<Condition>& out) const {
    if (const toml::table* table = node.as_table()) return ReadCondition(*table, out);
    const toml::array* array = node.as_array();
    if (array == nullptr) return At(node, "'when' must be a table or an array of tables");
    for (const toml::node& element : *array) {
      const toml::table* table = element.as_table();
      if (table == nullptr) return At(element, "'when' must be a table or an array of tables");
      RUNGS_RETURN_IF_ERROR(ReadCondition(*table, out));
    }
    return Status::Ok();
  }

  Status ReadCondition(const toml::table& table, std::vector<Condition>& out) const {
    Condition c;
    for (auto&& [key, node] : table) {
      if (key != "param" && key != "op" && key != "value") {
        return At(node, "unknown key '" + std::string(key.str()) + "' in 'when'");
      }
    }
    auto param = table["param"].value<std::string>();
    if (!param) return At(table, "'when' needs 'param', the name of a parameter");
    c.param = *param;
    if (const toml::node* op = table.get("op")) {
      auto parsed = ParseOp(op->value<std::string>().value_or(""));
      if (!parsed) return At(*op, "unknown op in 'when' (==, !=, <, <=, >, >=, in, not in)");
      c.op = *parsed;
    }
    const toml::node* value = table.get("value");
    if (value == nullptr) return At(table, "'when' needs 'value'");
    if (const toml::array* array = value->as_array()) {
      for (const toml::node& element : *array) {
        Result<Value> v = ReadValue(element, "value");
        if (!v.ok()) return v.error();
        c.values.push_back(*v);
      }
    } else {
      Result<Value> v = ReadValue(*value, "value");
      if (!v.ok()) return v.error();
      c.values.push_back(*v);
    }
    out.push_back(std::move(c));
    return Status::Ok();
  }

  std::string_view origin_;
  std::string_view name_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A side of a constraint: a bare name, or a name in double quotes.
std::string Unquote(std::string_view side) {
  side = Trim(side);
  if (side.size() >= 2 && side.front() == '"' && side.back() == '"') {
    side = side.substr(1, side.size() - 2);
  }
  return std::string(side);
}

// "maxn >= minn" -> {maxn, >=, minn}; the operator is the first run of
// <, >, =, ! outside double quotes.
std::optional<Constraint> ParseConstraint(std::string_view text) {
  size_t begin = 0;
  bool quoted = false;
  for (; begin < text.size(); ++begin) {
    if (text[begin] == '"') quoted = !quoted;
    if (!quoted && std::string_view("<>=!").find(text[begin]) != std::string_view::npos) break;
  }
  if (begin == text.size()) return std::nullopt;
  size_t end = text.find_first_not_of("<>=!", begin);
  if (end == std::string_view::npos) return std::nullopt;
  auto op = ParseOp(text.substr(begin, end - begin));
  Constraint c{Unquote(text.substr(0, begin)), op.value_or(Op::kEq), Unquote(text.substr(end))};
  if (!op || c.left.empty() || c.right.empty()) return std::nullopt;
  return c;
}

std::string ValuesText(const std::vector<Value>& values, bool list) {
  if (!list) return ValueText(values.front());
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + ValueText(values[i]);
  return out + "]";
}

std::string ConditionText(const Condition& c) {
  bool list = c.op == Op::kIn || c.op == Op::kNotIn;
  return "{ param = " + QuoteString(c.param) + ", op = " + QuoteString(OpName(c.op)) +
         ", value = " + ValuesText(c.values, list) + " }";
}

std::string BoundText(double v, Kind kind) {
  return kind == Kind::kInt ? std::to_string(static_cast<int64_t>(v)) : FormatDouble(v);
}

// One [[start]] table as a configuration by parameter name.
Result<nlohmann::json> StartByName(const toml::node& node, const std::string& at) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return Fail(at + "must be a table of parameter values");
  nlohmann::json config = nlohmann::json::object();
  for (auto&& [key, value] : *table) {
    std::string name(key.str());
    if (auto s = value.value_exact<std::string>()) {
      config[name] = *s;
    } else if (auto b = value.value_exact<bool>()) {
      config[name] = *b;
    } else if (auto i = value.value_exact<int64_t>()) {
      config[name] = *i;
    } else if (auto d = value.value_exact<double>()) {
      config[name] = *d;
    } else {
      return Fail(at + "parameter '" + name + "' must be a number, string or boolean");
    }
  }
  return config;
}

}  // namespace

Result<Space> Space::FromToml(std::string_view toml, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(toml, origin);
  } catch (const toml::parse_error& e) {
    return Fail(std::string(origin) + ":" + std::to_string(e.source().begin.line) + ":" +
                std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  // toml++ keeps keys sorted; declaration order comes from source positions.
  std::vector<std::tuple<toml::source_position, Param>> read;
  std::vector<Constraint> constraints;
  std::vector<int> constraint_lines;
  const toml::array* starts = nullptr;
  std::string where = std::string(origin) + ":";
  for (auto&& [key, node] : root) {
    std::string at = where + std::to_string(LineOf(node)) + ": ";
    if (key == "params") {
      const toml::table* params = node.as_table();
      if (params == nullptr) return Fail(at + "'params' must be a table");
      for (auto&& [name, table] : *params) {
        if (!table.is_table()) {
          return Fail(where + std::to_string(LineOf(table)) + ": parameter '" +
                      std::string(name.str()) + "': must be a table");
        }
        Result<Param> p = ParamReader(origin, name.str()).Read(*table.as_table());
        if (!p.ok()) return p.error();
        read.emplace_back(table.source().begin, std::move(*p));
      }
    } else if (key == "constraints") {
      const toml::array* array = node.as_array();
      if (array == nullptr) return Fail(at + "'constraints' must be an array of strings");
      for (const toml::node& element : *array) {
        std::string line = where + std::to_string(LineOf(element)) + ": ";
        auto text = element.value<std::string>();
        if (!text) return Fail(line + "a constraint must be a string such as \"maxn >= minn\"");
        auto c = ParseConstraint(*text);
        if (!c) return Fail(line + "constraint " + QuoteString(*text) + ": expected 'a <= b'");
        constraints.push_back(*c);
        constraint_lines.push_back(LineOf(element));
      }
    } else if (key == "start") {
      starts = node.as_array();
      if (starts == nullptr) return Fail(at + "'start' must be an array of tables: write [[start]]");
    } else {
      return Fail(at + "unknown key '" + std::string(key.str()) +
                  "' (expected 'params', 'constraints' or 'start')");
    }
  }
  if (read.empty()) return Fail(std::string(origin) + ": no parameters: add a [params.<name>] table");
  std::stable_sort(read.begin(), read.end(), [](const auto& a, const auto& b) {
    const auto& [pa, qa] = std::get<0>(a);
    const auto& [pb, qb] = std::get<0>(b);
    return std::tie(pa, qa) < std::tie(pb, qb);
  });
  std::vector<Param> params;
  std::vector<int> param_lines;
  for (auto& [position, param] : read) {
    params.push_back(std::move(param));
    param_lines.push_back(static_cast<int>(position.line));
  }
  Result<Space> space =
      Build(std::move(params), std::move(constraints), origin, param_lines, constraint_lines);
  if (!space.ok() || starts == nullptr) return space;
  for (const toml::node& node : *starts) {
    std::string at = where + std::to_string(LineOf(node)) + ": [[start]]: ";
    Result<nlohmann::json> named = StartByName(node, at);
    if (!named.ok()) return named.error();
    Result<Config> start = space->FromJson(*named);  // checked like any named configuration
    if (!start.ok()) return Fail(at + start.message());
    space->starts_.push_back(std::move(*start));
  }
  return space;
}

std::string Space::ToToml() const {
  std::string out;
  if (!constraints_.empty()) {
    out += "constraints = [";
    for (size_t k = 0; k < constraints_.size(); ++k) {
      out += (k ? ", " : "") + QuoteString(constraints_[k].Text());
    }
    out += "]\n\n";
  }
  for (const Param& p : params_) {
    out += "[params." + TomlKey(p.name) + "]\n";
    switch (p.kind) {
      case Kind::kFloat:
      case Kind::kInt:
        out += p.kind == Kind::kInt ? "type = \"int\"\n" : "type = \"float\"\n";
        out += "min = " + BoundText(p.min, p.kind) + "\nmax = " + BoundText(p.max, p.kind) + "\n";
        if (p.scale == Scale::kLog) out += "scale = \"log\"\n";
        break;
      case Kind::kCategorical:
        out += "type = \"choice\"\nchoices = " + ValuesText(p.choices, true) + "\n";
        break;
      case Kind::kFixed:
        out += "type = \"fixed\"\nvalue = " + ValueText(p.value) + "\n";
        break;
    }
    if (p.when.size() == 1) out += "when = " + ConditionText(p.when[0]) + "\n";
    if (p.when.size() > 1) {
      out += "when = [";
      for (size_t k = 0; k < p.when.size(); ++k) out += (k ? ", " : "") + ConditionText(p.when[k]);
      out += "]\n";
    }
    out += "\n";
  }
  for (const Config& start : starts_) {
    out += "[[start]]\n";
    const nlohmann::json named = ToJson(start);
    for (const auto& [name, value] : named.items()) {
      out += TomlKey(name) + " = " +
             (value.is_string() ? QuoteString(value.get<std::string>()) : value.dump()) + "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace rungs::space
