// TuneSpec: everything one `rungs tune` experiment is told, from an
// experiment TOML file and from flags (flags win). doc/tune.md lists every
// key; flag names are the keys with a leading "--".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "exec/lambda_cost.h"
#include "sched/options.h"
#include "text/reader.h"

namespace rungs::tune {

struct TuneSpec {
  // Data: paths or URLs. Without `valid`, valid_fraction of train is split off.
  std::string train;
  std::string valid;
  double valid_fraction = 0.1;
  std::string test;  // optional; used once, at the end
  // A named data set ("20newsgroups"): its train (and test, unless given)
  // split, from data_dir/NAME/ when there, else downloaded and cached.
  std::string dataset;
  std::string data_dir;
  text::ReadOptions read;

  // The classifier: accuracy, f1 or loss. A command: the key of its metric
  // lines, maximized unless `minimize`.
  std::string metric = "accuracy";
  std::string command;                // a training program instead of the classifier
  bool minimize = false;              // a command's metric is a loss
  std::string scheduler = "asha-evo"; // asha-evo, asha, random, sha, hyperband
  nlohmann::json scheduler_options = nlohmann::json::object();  // sched options by name
  // resume (from checkpoints) or restart; empty: resume on local workers,
  // restart on Lambda (stateless workers cannot resume).
  std::string promotion;

  int64_t budget_epochs = 0;   // 0: no limit
  double budget_seconds = 0;   // 0: no limit
  int64_t max_trials = 0;      // 0: no limit

  // Where jobs run: "local" (threads of this process) or "lambda" (one AWS
  // Lambda invocation per job, running `rungs worker`).
  std::string executor = "local";
  int workers = 0;             // local: 0, one per core
  int threads = 1;             // Hogwild threads per trial
  uint64_t seed = 0;
  std::string out;             // output folder
  std::string space_file;      // empty: the classifier's default space
  bool refit = false;          // refit the best configuration on train + valid
  int64_t checkpoint_memory_mb = 4096;  // in-memory checkpoints of paused trials

  // Lambda: the function and its alias or version, where to reach it (empty:
  // the AWS settings, see aws/endpoint.h), invocations at once, and what a
  // job costs.
  std::string function;
  std::string qualifier;
  std::string region;
  std::string endpoint_url;
  int concurrency = 100;
  double function_timeout = 900;  // seconds: the function's configured timeout
  int memory_mb = 0;              // billed memory when the function's log does not say
  double price_per_gb_second = exec::kDefaultPricePerGbSecond;
  double budget_dollars = 0;      // 0: no limit; no job starts once this is spent
};

// Reads an experiment file. Unknown keys and wrong types are errors naming
// the file, the line and the key.
Result<TuneSpec> ReadTuneSpec(const std::string& path);

// OK, or the first problem, naming the flag: no training data, a validation
// fraction outside (0, 1), no budget at all, ...
Status Validate(const TuneSpec& spec);

// The spec as JSON (kept in the output folder so --resume can continue it)
// and back.
nlohmann::json SpecToJson(const TuneSpec& spec);
Result<TuneSpec> SpecFromJson(const nlohmann::json& json, const std::string& origin);

bool Maximize(const TuneSpec& spec);

bool OnLambda(const TuneSpec& spec);

// "resume" or "restart": the spec's promotion, or the executor's default.
std::string Promotion(const TuneSpec& spec);

// The scheduler options the spec implies: its scheduler_options table, then
// the metric's direction, the budget and the promotion mode on top.
Result<sched::Options> SchedulerOptions(const TuneSpec& spec);

}  // namespace rungs::tune
