#include "trial/metric_line.h"

#include <charconv>

namespace rungs::trial {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsBlank(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsBlank(text[i])) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

// The whole of `text` as a number, whatever the locale; nan and inf are
// numbers too (the caller decides what they mean). A leading '+' is allowed.
std::optional<double> ParseNumber(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<int> ParseEpoch(std::string_view text) {
  int epoch = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (ec != std::errc() || end != text.data() + text.size() || epoch < 0) return std::nullopt;
  return epoch;
}

}  // namespace

std::optional<double> MetricLine::Find(std::string_view name) const {
  for (const auto& [key, value] : metrics) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<std::optional<MetricLine>> ParseMetricLine(std::string_view line) {
  std::vector<std::string_view> fields = Fields(line);
  if (fields.empty() || fields[0] != kMetricLinePrefix) return std::optional<MetricLine>();
  MetricLine parsed;
  bool has_epoch = false;
  std::vector<std::string_view> seen;
  for (size_t i = 1; i < fields.size(); ++i) {
    std::string_view field = fields[i];
    size_t eq = field.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Fail("metric line: field '" + std::string(field) + "' is not key=value");
    }
    std::string_view key = field.substr(0, eq);
    std::string_view text = field.substr(eq + 1);
    for (std::string_view k : seen) {
      if (k == key) return Fail("metric line: key '" + std::string(key) + "' appears twice");
    }
    seen.push_back(key);
    if (key == "epoch") {
      std::optional<int> epoch = ParseEpoch(text);
      if (!epoch) {
        return Fail("metric line: epoch '" + std::string(text) + "' is not a non-negative integer");
      }
      parsed.epoch = *epoch;
      has_epoch = true;
      continue;
    }
    std::optional<double> value = ParseNumber(text);
    if (!value) {
      return Fail("metric line: value '" + std::string(text) + "' of '" + std::string(key) +
                  "' is not a number");
    }
    parsed.metrics.emplace_back(std::string(key), *value);
  }
  if (!has_epoch) return Fail("metric line: no epoch=<int> field");
  return std::optional<MetricLine>(std::move(parsed));
}

}  // namespace rungs::trial
