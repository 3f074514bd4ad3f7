// The blackbox protocol (version 1, doc/blackbox-protocol.md): one JSON line
// to a benchmark program asks for a configuration's metric and training
// seconds at some epochs; one JSON line back answers it.
//
//   request:  {"v":1,"id":7,"config":{"lr":0.01,"layers":3},"epochs":[9,27]}
//   response: {"v":1,"id":7,"metrics":[71.3,75.2],"seconds":[33.1,80.4]}
//   refusal:  {"v":1,"id":7,"error":"epoch 81 is outside 1..52"}
//
// `seconds` are cumulative: training from scratch to the end of that epoch.
// This file only writes requests and checks responses; blackbox_objective.h
// talks to the program. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace rungs::exec {

inline constexpr int kBlackboxProtocolVersion = 1;

struct BlackboxQuery {
  nlohmann::json config;    // by parameter name, inactive ones left out (Space::ToJson)
  std::vector<int> epochs;  // ascending, distinct, each >= 1
};

struct BlackboxAnswer {
  std::vector<double> metrics;  // one per asked epoch: the metric after it
  std::vector<double> seconds;  // one per asked epoch: training seconds from scratch to its end
};

// The request line (without a newline) asking `query` as request `id`.
std::string BlackboxRequestLine(uint64_t id, const BlackboxQuery& query);

// `line` as a message quotes it: in single quotes, cut after 120 bytes.
std::string QuoteBlackboxLine(std::string_view line);

// Reads the answer to request `id`, which asked for `epochs` epochs. Fails
// when the line is not a JSON object, has another version or id, is a
// refusal (the program's "error" text is quoted), lacks a field, has a field
// of the wrong type or length, a metric that is not a finite number, seconds
// that are negative or not finite, or a field the protocol does not have.
// The message names the field ("field 'metrics'[2] must be a finite number,
// got null"); the caller adds where the line came from.
Result<BlackboxAnswer> ParseBlackboxAnswer(std::string_view line, uint64_t id, size_t epochs);

}  // namespace rungs::exec
