// JobEnvelope: a job as a worker receives it, with what the worker needs to
// run it on its own. Its JSON form is in job/job_json.h. It holds JSON
// values, so unlike job/job.h it needs all of nlohmann/json.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "job/job.h"

namespace rungs::job {

// Where a worker finds the data and how it reads it. Locations are file
// paths (a relative one is inside the worker's package), https:// URLs or
// s3:// URIs; the worker decides which it can read.
struct DataLocations {
  std::string train;
  std::string valid;            // empty: split valid_fraction of train off with split_seed
  double valid_fraction = 0.1;  // in (0, 1); used only when valid is empty
  uint64_t split_seed = 0;
  // Reader options by name (format, label_prefix, csv_*, json_*), as
  // text/read_options_json.h writes them; the worker checks them.
  nlohmann::json read = nlohmann::json::object();
};

// What the worker scores and with how many threads it trains.
struct TaskOptions {
  std::string metric = "accuracy";  // "accuracy", "f1" or "loss"
  int threads = 1;                  // 1 .. 256
};

// The scheduler's Job plus what the worker needs to run it. The
// configuration travels by parameter name (Space::ToJson), so workers need
// no knowledge of the flat Config layout; `job.config` is neither encoded
// nor decoded.
struct JobEnvelope {
  std::string experiment;                 // experiment id, non-empty
  Job job;
  nlohmann::json config;                  // {"lr": 0.1, "loss": "ns", ...}
  DataLocations data;
  TaskOptions task;
  std::optional<std::string> checkpoint;  // nullopt: train from scratch
  uint64_t seed = 0;                      // the trial's RNG seed
};

}  // namespace rungs::job
