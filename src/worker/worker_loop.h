// The Lambda worker's event loop: next invocation, run its job, post the
// result (or the refusal as a function error), forever.
//
// Nothing a job does ends the loop: a refused request is posted as an error
// of type InvalidJob, and an exception escaping the job (out of memory, a
// bug) as WorkerError; the container stays warm for the next invocation.
// Only losing the Runtime API itself (GET next failing) ends it, as Lambda
// expects of a runtime whose endpoint is gone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "worker/job_runner.h"
#include "worker/runtime_api.h"

namespace rungs::worker {

// Serves invocations until `max_invocations` have been handled (nullopt:
// forever) or GET next fails, whose error is returned.
Status ServeInvocations(RuntimeApi& api, JobRunner& runner,
                        std::optional<int64_t> max_invocations = std::nullopt);

// The worker as Lambda starts it: the Runtime API at `runtime_api`
// (host:port), the function's memory from $AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
// the package root from $LAMBDA_TASK_ROOT, downloads under /tmp. A bad
// environment is posted to init/error and returned; otherwise it serves
// until the Runtime API is gone.
Status ServeLambda(const std::string& runtime_api);

// Lambda-Runtime-Deadline-Ms (ms since the Unix epoch) on the steady clock.
// nullopt when the header was missing, or names a moment more than a day in
// the past or the future: no clock is that wrong and no invocation that long,
// so it is not a wall-clock deadline (some emulators send a constant) and the
// job runs without one.
std::optional<Clock::time_point> SteadyDeadline(std::optional<int64_t> deadline_ms);

}  // namespace rungs::worker
