#include "exec/lambda_executor.h"

#include <cmath>

#include "exec/lambda_cost.h"
#include "job/job_json.h"

namespace rungs::exec {
namespace {

double ReadTimeout(const LambdaOptions& o) {
  return o.read_timeout_seconds > 0 ? o.read_timeout_seconds : o.function_timeout_seconds + 30;
}

}  // namespace

Status CheckLambdaOptions(const LambdaOptions& o) {
  RUNGS_RETURN_IF_ERROR(CheckFunctionName(o.target.function, "--function"));
  if (!o.target.qualifier.empty()) RUNGS_RETURN_IF_ERROR(CheckFunctionName(o.target.qualifier, "--qualifier"));
  if (o.target.endpoint.empty()) return Fail("no Lambda endpoint: give --endpoint-url or --region");
  if (o.concurrency < 1 || o.concurrency > 10000) {
    return Fail("--concurrency must be in [1, 10000], got " + std::to_string(o.concurrency));
  }
  if (!(o.function_timeout_seconds > 0 && o.function_timeout_seconds <= 900)) {
    return Fail("--function-timeout must be in (0, 900] seconds (Lambda's limit)");
  }
  if (o.read_timeout_seconds != 0 && !(o.read_timeout_seconds > o.function_timeout_seconds)) {
    return Fail("the read timeout must be above the function timeout (" +
                std::to_string(o.function_timeout_seconds) + " s)");
  }
  if (o.memory_mb < 0 || o.memory_mb > 10240) return Fail("--memory-mb must be in [0, 10240]");
  if (o.retry.max_attempts < 1) return Fail("max attempts must be at least 1");
  return Status::Ok();
}

LambdaExecutor::LambdaExecutor(LambdaOptions options, EnvelopeFor envelope_for)
    : options_(std::move(options)),
      valid_(CheckLambdaOptions(options_)),
      envelope_for_(std::move(envelope_for)),
      start_(Clock::now()),
      retry_(options_.retry),
      client_(options_.target, ReadTimeout(options_), std::max(1, options_.concurrency)) {}

double LambdaExecutor::Now() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

LambdaCounters LambdaExecutor::counters() const {
  LambdaCounters c = counters_;
  c.in_flight = client_.in_flight();
  c.waiting_to_retry = retries_.size();
  return c;
}

Status LambdaExecutor::Submit(const job::Job& job) {
  RUNGS_RETURN_IF_ERROR(valid_);
  if (jobs_.size() >= static_cast<size_t>(options_.concurrency)) {
    return Fail("lambda executor: all " + std::to_string(options_.concurrency) + " invocations are in use");
  }
  if (jobs_.count(job.id)) return Fail("lambda executor: job " + std::to_string(job.id) + " is already running");
  Pending pending;
  pending.job = job;
  pending.body = job::EnvelopeToJson(envelope_for_(job)).dump();
  auto [it, inserted] = jobs_.emplace(job.id, std::move(pending));
  Status sent = Send(it->second);
  if (!sent.ok()) jobs_.erase(it);
  return sent;
}

Status LambdaExecutor::Send(Pending& pending) {
  uint64_t tag = next_request_++;
  RUNGS_RETURN_IF_ERROR(client_.Start(tag, pending.body));
  pending.request = tag;
  ++pending.attempt;
  job_of_request_[tag] = pending.job.id;
  ++counters_.invocations;
  if (pending.attempt > 1) ++counters_.retries;
  return Status::Ok();
}

Result<std::vector<job::JobResult>> LambdaExecutor::Wait(double timeout_seconds) {
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_seconds));
  while (ready_.empty() && !jobs_.empty()) {
    Clock::time_point now = Clock::now();
    StartDueRetries(now);
    if (!ready_.empty()) break;
    Clock::time_point until = deadline;
    if (!retries_.empty()) until = std::min(until, retries_.top().due);
    double wait = std::max(0.0, std::chrono::duration<double>(until - now).count());
    for (InvokeResponse& r : client_.Poll(wait)) Handle(std::move(r), Clock::now());
    if (Clock::now() >= deadline) break;
  }
  std::vector<job::JobResult> results;
  results.swap(ready_);
  return results;
}

void LambdaExecutor::StartDueRetries(Clock::time_point now) {
  while (!retries_.empty() && retries_.top().due <= now) {
    uint64_t id = retries_.top().job;
    retries_.pop();
    auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;  // cancelled meanwhile
    Status sent = Send(it->second);
    if (!sent.ok()) {
      Finish(it->second, job::ResultFor(it->second.job, job::Outcome::kFailed, sent.message()));
    }
  }
}

void LambdaExecutor::Handle(InvokeResponse r, Clock::time_point now) {
  auto owner = job_of_request_.find(r.tag);
  if (owner == job_of_request_.end()) {
    ++counters_.late_ignored;
    return;
  }
  uint64_t id = owner->second;
  job_of_request_.erase(owner);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.request != r.tag) {
    ++counters_.late_ignored;
    return;
  }
  Pending& pending = it->second;
  pending.request = 0;
  if (r.transport != CURLE_OK) {
    AttemptFailed(pending, CauseOfTransport(r.transport), r.transport_error, std::nullopt, now);
    return;
  }
  if (r.status != 200) {
    AttemptFailed(pending, CauseOfStatus(r.status), ServiceErrorText(r), ParseRetryAfter(r.retry_after), now);
    return;
  }
  Bill(pending, r);
  if (!r.function_error.empty()) {
    ++counters_.function_errors;
    Finish(pending, job::FailedResult(pending.job, job::Failure::kLambdaFunction, FunctionErrorText(r)));
    return;
  }
  Result<job::JobResult> result = [&]() -> Result<job::JobResult> {
    auto json = job::ParseJson(r.body, "lambda response");
    if (!json.ok()) return json.error();
    return job::ResultFromJson(*json, "lambda response");
  }();
  if (!result.ok()) {
    Finish(pending, job::FailedResult(pending.job, job::Failure::kLambdaResponse, result.message()));
    return;
  }
  if (result->job != pending.job.id || result->trial != pending.job.trial) {
    Finish(pending, job::FailedResult(pending.job, job::Failure::kLambdaResponse,
                                   "lambda response answers job " + std::to_string(result->job) +
                                         " of trial " + std::to_string(result->trial) + ", not job " +
                                         std::to_string(pending.job.id) + " of trial " +
                                         std::to_string(pending.job.trial)));
    return;
  }
  Finish(pending, std::move(*result));
}

void LambdaExecutor::AttemptFailed(Pending& pending, FailureCause cause, const std::string& error,
                                   std::optional<double> retry_after, Clock::time_point now) {
  std::optional<double> delay = retry_.Delay(pending.attempt, cause, retry_after);
  if (!delay) {
    ++counters_.failed_jobs;
    std::string why = "lambda invoke failed";
    if (IsRetriable(cause)) why += " after " + std::to_string(pending.attempt) + " attempts";
    Finish(pending, job::FailedResult(pending.job, job::Failure::kLambdaService, why + ": " + error));
    return;
  }
  ++counters_.retries_by_cause[static_cast<size_t>(cause)];
  retries_.push({now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*delay)),
                 pending.job.id});
}

void LambdaExecutor::Bill(Pending& pending, const InvokeResponse& r) {
  std::optional<job::Cost> billed = BillingFromLogResult(r.log_result);
  if (!billed) {
    billed = job::Cost{static_cast<int64_t>(std::ceil(r.seconds * 1000)), options_.memory_mb};
  }
  pending.cost.billed_ms += billed->billed_ms;
  pending.cost.memory_mb = billed->memory_mb;
}

void LambdaExecutor::Finish(Pending& pending, job::JobResult result) {
  result.cost = pending.cost;
  ready_.push_back(std::move(result));
  uint64_t id = pending.job.id;
  jobs_.erase(id);  // `pending` dies here
}

void LambdaExecutor::CancelAll() {
  client_.AbortAll();
  job_of_request_.clear();
  while (!retries_.empty()) retries_.pop();
  std::vector<uint64_t> ids;
  for (const auto& [id, pending] : jobs_) ids.push_back(id);
  for (uint64_t id : ids) {
    Finish(jobs_.at(id), job::ResultFor(jobs_.at(id).job, job::Outcome::kAbandoned,
                                        "abandoned: the experiment's budget ended while it ran"));
  }
}

}  // namespace rungs::exec
