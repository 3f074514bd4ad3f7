// LambdaExecutor: runs each job as one synchronous AWS Lambda invocation.
//
// Hundreds of invocations are in flight at once from the calling thread
// (InvokeClient: one libcurl multi handle, connections reused); the
// concurrency limit is capacity(). Lambda workers are stateless, so a
// promoted trial is retrained from scratch (promotion() is kRestart).
//
// Per job: the request body is the job's envelope (`envelope_for`, then
// job::EnvelopeToJson). An HTTP 200 answer is the worker's result
// (job::ResultFromJson, origin "lambda response"), which must name the job
// sent; a 200 with X-Amz-Function-Error fails the job with the function's
// errorMessage. Throttling (429, honouring Retry-After), 5xx, dropped
// connections and read timeouts are retried per RetryPolicy; after the last
// attempt, or on an error that is not retried, the job comes back failed
// with what went wrong. Each job's result is returned exactly once: a job
// has at most one request in flight, and an answer to a request that is no
// longer the job's current one is ignored (counted in `late_ignored`).
//
// Cost: every answered attempt adds its billed duration and memory from the
// REPORT line of X-Amz-Log-Result, or, without one, the measured duration
// (rounded up to 1 ms) and LambdaOptions::memory_mb; the result carries the
// job's total as its cost.
// Not thread-safe: one driver thread calls every method.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "exec/executor.h"
#include "exec/invoke_client.h"
#include "exec/retry_policy.h"
#include "job/envelope.h"

namespace rungs::exec {

struct LambdaOptions {
  InvokeTarget target;                 // endpoint, function, qualifier, region, credentials
  int concurrency = 100;               // invocations in flight at most (capacity)
  double function_timeout_seconds = 900;  // the function's own timeout
  double read_timeout_seconds = 0;     // per request; 0: the function timeout + 30 s
  int memory_mb = 0;                   // billed memory when no REPORT line gives it
  RetryOptions retry;
};

// OK, or the first problem: function name or qualifier, concurrency outside
// [1, 10000], timeouts not positive or a read timeout not above the
// function timeout, max attempts below 1.
Status CheckLambdaOptions(const LambdaOptions& options);

// What the executor has done so far; for progress and benchmarks.
struct LambdaCounters {
  uint64_t invocations = 0;     // requests sent, retries included
  uint64_t retries = 0;         // requests that were retries
  std::array<uint64_t, kFailureCauses> retries_by_cause{};  // indexed by FailureCause
  uint64_t function_errors = 0; // answers with X-Amz-Function-Error
  uint64_t failed_jobs = 0;     // jobs returned failed by the executor itself
  uint64_t late_ignored = 0;    // answers to requests no longer current
  size_t in_flight = 0;         // requests on the wire now
  size_t waiting_to_retry = 0;  // jobs between attempts now
};

class LambdaExecutor : public Executor {
 public:
  using EnvelopeFor = std::function<job::JobEnvelope(const job::Job&)>;

  // `options` should have passed CheckLambdaOptions; if not, Submit fails
  // with the problem.
  LambdaExecutor(LambdaOptions options, EnvelopeFor envelope_for);

  int capacity() const override { return options_.concurrency; }
  job::Promotion promotion() const override { return job::Promotion::kRestart; }
  Status Submit(const job::Job& job) override;
  Result<std::vector<job::JobResult>> Wait(double timeout_seconds) override;
  double Now() const override;

  // Abandons every running job: the next Wait returns each as kAbandoned.
  // Lambda still finishes (and bills) invocations already started.
  void CancelAll();

  LambdaCounters counters() const;

 private:
  using Clock = std::chrono::steady_clock;

  struct Pending {
    job::Job job;
    std::string body;
    int attempt = 0;        // attempts made so far
    uint64_t request = 0;   // tag of the request in flight; 0 between attempts
    job::Cost cost;         // over every answered attempt
  };
  struct Retry {
    Clock::time_point due;
    uint64_t job;
    bool operator>(const Retry& o) const { return due > o.due; }
  };

  Status Send(Pending& pending);
  void StartDueRetries(Clock::time_point now);
  void Handle(InvokeResponse response, Clock::time_point now);
  // A failed attempt: retried when the policy allows, else the job fails.
  void AttemptFailed(Pending& pending, FailureCause cause, const std::string& error,
                     std::optional<double> retry_after, Clock::time_point now);
  void Finish(Pending& pending, job::JobResult result);
  void Bill(Pending& pending, const InvokeResponse& response);

  const LambdaOptions options_;
  const Status valid_;
  const EnvelopeFor envelope_for_;
  const Clock::time_point start_;
  RetryPolicy retry_;
  InvokeClient client_;

  std::unordered_map<uint64_t, Pending> jobs_;            // submitted, not yet returned
  std::unordered_map<uint64_t, uint64_t> job_of_request_; // request tag -> job id, while in flight
  std::priority_queue<Retry, std::vector<Retry>, std::greater<Retry>> retries_;
  std::vector<job::JobResult> ready_;  // finished, not yet returned by Wait
  uint64_t next_request_ = 1;
  LambdaCounters counters_;
};

}  // namespace rungs::exec
