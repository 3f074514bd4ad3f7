// JobRunner: one job request in, one result out, as a Lambda worker runs it.
//
// The request is checked field by field (job::EnvelopeFromJson, then the
// configuration against the classifier's hard limits, the reader options,
// restart mode, and whether the model fits the function's memory). A
// request that fails a check is refused (RunReply::error_type is set); a
// valid job always gets a result, whatever its outcome: training that fails,
// diverges or meets the deadline is reported, not refused.
//
// Every job trains from scratch to epochs_to with the learning rate scaled
// by lr_scale (restart-mode promotion), exactly as trial::ClassifierTrial
// does for a new trial, so a Lambda run matches a local one seed for seed.
// Training stops `margin` before the deadline, leaving time to score the
// partial model and post it; the result is then `timeout` with the epochs
// finished. Not thread-safe: one job at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "job/job.h"
#include "worker/data_cache.h"

namespace rungs::worker {

struct RunnerOptions {
  // The function's memory ($AWS_LAMBDA_FUNCTION_MEMORY_SIZE); 0: not on
  // Lambda, and only TrainArgs' own memory limit applies.
  int memory_mb = 0;
  DataCacheOptions data;
};

using Clock = std::chrono::steady_clock;

struct RunReply {
  std::string error_type;  // empty: `result` answers the job; else the request is refused
  std::string error;       // why it was refused
  job::JobResult result;
};

class JobRunner {
 public:
  explicit JobRunner(RunnerOptions options) : options_(options), data_(options.data) {}

  // Runs `request` (a job request's JSON text), stopping before `deadline`.
  RunReply Run(std::string_view request, std::optional<Clock::time_point> deadline);

  // How long before the deadline training stops: a tenth of the time left,
  // at least 200 ms and at most 10 s.
  static Clock::duration Margin(Clock::duration time_left);

 private:
  const RunnerOptions options_;
  DataCache data_;
};

inline constexpr std::string_view kInvalidJob = "InvalidJob";

}  // namespace rungs::worker
