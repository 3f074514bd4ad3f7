// Value: a literal written in a space — a choice, a fixed value, or what a
// condition compares against. Strings, integers, floats and booleans.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json_fwd.hpp>

namespace rungs::space {

using Value = std::variant<bool, int64_t, double, std::string>;

// The number a value stands for (integers and floats), or nullopt for
// strings and booleans.
std::optional<double> AsNumber(const Value& value);

// True when both name the same thing: numbers compare by value (1 == 1.0),
// strings and booleans only with their own type.
bool SameValue(const Value& a, const Value& b);

// The value as written in TOML and JSON: "ns", 3, 0.5, true. Thread-safe.
std::string ValueText(const Value& value);

nlohmann::json ValueToJson(const Value& value);

}  // namespace rungs::space
