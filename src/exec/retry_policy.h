// RetryPolicy: when to try a failed request again, and after how long.
//
// The rules of the AWS SDKs' "standard" retry mode: at most `max_attempts`
// attempts in all (3 by default); throttling (HTTP 429, Lambda's
// TooManyRequestsException), server errors (5xx) and transport failures
// (connection refused, reset or dropped, timeouts) are retried; any other
// 4xx is the request's own fault and is not. The wait before retry i
// (1-based) is capped exponential backoff with full jitter:
// uniform(0, min(max_backoff, base * 2^(i-1))). A Retry-After given by the
// server wins over the backoff. Unlike the SDKs there is no retry quota
// (token bucket): at high concurrency throttling is the expected answer,
// and the concurrency limit already bounds the load.
// Pure apart from its seeded RNG, so the same seed gives the same delays.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace rungs::exec {

// Why one attempt failed. The first four are retried.
enum class FailureCause { kThrottled, kServerError, kConnection, kTimeout, kClientError, kOther };
inline constexpr int kFailureCauses = 6;

// The cause an HTTP status (>= 400) stands for: 429 throttled, 5xx server
// error, other 4xx client error.
FailureCause CauseOfStatus(long status);

bool IsRetriable(FailureCause cause);

// The seconds of a Retry-After header in its delta-seconds form ("2",
// "0.5" is accepted too); nullopt for anything else (an HTTP date, junk),
// in which case the backoff applies.
std::optional<double> ParseRetryAfter(std::string_view value);

struct RetryOptions {
  int max_attempts = 3;             // attempts in all, >= 1 (1: never retry)
  double base_seconds = 1.0;        // backoff of the first retry, before jitter
  double max_backoff_seconds = 20;  // cap of the backoff, before jitter
  double max_retry_after_seconds = 300;  // a longer Retry-After is cut to this
  uint64_t seed = 0;
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options);

  // Seconds to wait before trying again after attempt number `attempt`
  // (1-based) failed with `cause`; nullopt when the request must not be
  // retried (not retriable, or that was the last attempt).
  std::optional<double> Delay(int attempt, FailureCause cause,
                              std::optional<double> retry_after = std::nullopt);

  const RetryOptions& options() const { return options_; }

 private:
  double Uniform01();

  const RetryOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace rungs::exec
