#include "worker/worker_loop.h"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "job/job_json.h"

namespace rungs::worker {
namespace {

// One line per job on stderr, which Lambda sends to CloudWatch Logs.
void LogResult(const std::string& request_id, const job::JobResult& r) {
  std::fprintf(stderr, "rungs worker: %s job %llu trial %u rung %d: %s, %d epochs, metric %g, %.3f s%s%s\n",
               request_id.c_str(), static_cast<unsigned long long>(r.job), r.trial, r.rung,
               std::string(job::OutcomeName(r.outcome)).c_str(), r.epochs_trained, r.metric,
               r.seconds, r.error.empty() ? "" : ": ", r.error.c_str());
}

void LogProblem(const std::string& request_id, const std::string& what) {
  std::fprintf(stderr, "rungs worker: %s %s\n", request_id.c_str(), what.c_str());
}

// Runs the invocation's job and posts what it gave.
void Handle(RuntimeApi& api, JobRunner& runner, const Invocation& invocation) {
  std::string error_type;
  std::string error;
  try {
    RunReply reply = runner.Run(invocation.body, SteadyDeadline(invocation.deadline_ms));
    if (reply.error_type.empty()) {
      LogResult(invocation.request_id, reply.result);
      std::string body = job::ResultToJson(reply.result)
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      Status posted = api.Respond(invocation.request_id, body);
      if (!posted.ok()) LogProblem(invocation.request_id, "could not post the result: " + posted.message());
      return;
    }
    error_type = reply.error_type;
    error = reply.error;
  } catch (const std::bad_alloc&) {
    error_type = "WorkerError";
    error = "the worker ran out of memory running this job";
  } catch (const std::exception& e) {
    error_type = "WorkerError";
    error = std::string("the worker failed running this job: ") + e.what();
  } catch (...) {
    error_type = "WorkerError";
    error = "the worker failed running this job (unknown exception)";
  }
  LogProblem(invocation.request_id, error_type + ": " + error);
  Status posted = api.ReportError(invocation.request_id, error_type, error);
  if (!posted.ok()) LogProblem(invocation.request_id, "could not post the error: " + posted.message());
}

}  // namespace

std::optional<Clock::time_point> SteadyDeadline(std::optional<int64_t> deadline_ms) {
  using std::chrono::milliseconds;
  if (!deadline_ms) return std::nullopt;
  auto now_ms = std::chrono::duration_cast<milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  // Compared before subtracting: the header may hold any 64-bit number.
  constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
  if (*deadline_ms < now_ms - kDayMs || *deadline_ms > now_ms + kDayMs) return std::nullopt;
  return Clock::now() + milliseconds(*deadline_ms - now_ms);
}

Status ServeLambda(const std::string& runtime_api) {
  RuntimeApi api(runtime_api);
  RunnerOptions options;
  if (const char* memory = std::getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")) {
    int mb = 0;
    auto [end, ec] = std::from_chars(memory, memory + std::strlen(memory), mb);
    if (ec != std::errc() || *end != '\0' || mb < 1 || mb > 1048576) {
      std::string error = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a whole number of MB in "
                          "[1, 1048576], got \"" + std::string(memory) + "\"";
      Status posted = api.ReportInitError("InvalidEnvironment", error);
      if (!posted.ok()) error += " (and init/error failed: " + posted.message() + ")";
      return Fail(error);
    }
    options.memory_mb = mb;
  }
  if (const char* root = std::getenv("LAMBDA_TASK_ROOT")) options.data.task_root = root;
  JobRunner runner(options);
  return ServeInvocations(api, runner);
}

Status ServeInvocations(RuntimeApi& api, JobRunner& runner, std::optional<int64_t> max_invocations) {
  for (int64_t served = 0; !max_invocations || served < *max_invocations; ++served) {
    Result<Invocation> invocation = api.Next();
    if (!invocation.ok()) return invocation.error();
    Handle(api, runner, *invocation);
  }
  return Status::Ok();
}

}  // namespace rungs::worker
