#include "space/value.h"

#include <nlohmann/json.hpp>

#include "space/text_format.h"

namespace rungs::space {

std::optional<double> AsNumber(const Value& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&value)) return *d;
  return std::nullopt;
}

bool SameValue(const Value& a, const Value& b) {
  std::optional<double> x = AsNumber(a);
  std::optional<double> y = AsNumber(b);
  if (x || y) return x && y && *x == *y;
  return a == b;
}

std::string ValueText(const Value& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return FormatDouble(*d);
  return QuoteString(std::get<std::string>(value));
}

nlohmann::json ValueToJson(const Value& value) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, value);
}

}  // namespace rungs::space
