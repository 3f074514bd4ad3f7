// MetricLine: the one-line record a training command prints per epoch.
//
//     rungs-metric epoch=<int> <name>=<number> [<name>=<number> ...]
//
// e.g. `rungs-metric epoch=3 value=0.8125 loss=0.41`. The line starts with
// the word `rungs-metric`; fields are `key=value` separated by spaces or tabs;
// `epoch` (a non-negative integer) is required, every other key is a metric
// whose value is a decimal number (`0.5`, `-1e-3`, `+2`), `nan` or `inf`
// (any case), read the same in every locale. doc/command-trainable.md is the reference. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace rungs::trial {

inline constexpr std::string_view kMetricLinePrefix = "rungs-metric";

struct MetricLine {
  int epoch = 0;
  std::vector<std::pair<std::string, double>> metrics;  // in the order printed

  // The value of metric `name`, if the line has it.
  std::optional<double> Find(std::string_view name) const;
};

// nullopt when `line` is not a metric line (it does not start with the word
// `rungs-metric`): such lines are ordinary output. An error when it starts
// with that word but is malformed: a field without '=', an empty key, a
// repeated key, a missing or bad epoch, a value that is not a number.
Result<std::optional<MetricLine>> ParseMetricLine(std::string_view line);

}  // namespace rungs::trial
