// The job protocol: Job, JobResult and JobEnvelope as compact JSON.
//
// Every executor and the journal use these encodings; doc/job-protocol.md
// lists the fields, their types and ranges. Each document carries "v":
// kJobProtocolVersion, and a document of another version is refused.
// Decoding checks every field and refuses a missing, mistyped, unknown or
// out-of-range one with a message that starts with `origin` (a file and row,
// or "lambda request") and names the field. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "sched/job.h"

namespace rungs::sched {

// The protocol version written into, and required from, every document.
inline constexpr int kJobProtocolVersion = 2;

// Where a worker finds the data and how it reads it. Locations are file
// paths (a relative one is inside the worker's package), https:// URLs or
// s3:// URIs; the worker decides which it can read.
struct DataLocations {
  std::string train;
  std::string valid;            // empty: split valid_fraction of train off with split_seed
  double valid_fraction = 0.1;  // in (0, 1); used only when valid is empty
  uint64_t split_seed = 0;
  // Reader options by name (format, label_prefix, csv_*, json_*), as the
  // worker's reader takes them; the worker checks them.
  nlohmann::json read = nlohmann::json::object();
};

// What the worker scores and with how many threads it trains.
struct TaskOptions {
  std::string metric = "accuracy";  // "accuracy", "f1" or "loss"
  int threads = 1;                  // 1 .. 256
};

// A job as a worker receives it: the scheduler's Job plus what the worker
// needs to run it on its own. The configuration travels by parameter name
// (Space::ToJson), so workers need no knowledge of the flat Config layout;
// `job.config` is neither encoded nor decoded here.
struct JobEnvelope {
  std::string experiment;                 // experiment id, non-empty
  Job job;
  nlohmann::json config;                  // {"lr": 0.1, "loss": "ns", ...}
  DataLocations data;
  TaskOptions task;
  std::optional<std::string> checkpoint;  // nullopt: train from scratch
  uint64_t seed = 0;                      // the trial's RNG seed
};

nlohmann::json JobToJson(const Job& job);
Result<Job> JobFromJson(const nlohmann::json& json, std::string_view origin);

nlohmann::json ResultToJson(const JobResult& result);
Result<JobResult> ResultFromJson(const nlohmann::json& json, std::string_view origin);

nlohmann::json EnvelopeToJson(const JobEnvelope& envelope);
Result<JobEnvelope> EnvelopeFromJson(const nlohmann::json& json, std::string_view origin);

// Parses `text` as JSON first; a syntax error names `origin` and the byte.
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view origin);

std::string_view OutcomeName(Outcome outcome);  // "ok", "failed", "diverged", "timeout"
std::optional<Outcome> OutcomeFromName(std::string_view name);

}  // namespace rungs::sched
