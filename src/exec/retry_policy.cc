#include "exec/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace rungs::exec {

FailureCause CauseOfStatus(long status) {
  if (status == 429) return FailureCause::kThrottled;
  if (status >= 500 && status <= 599) return FailureCause::kServerError;
  if (status >= 400 && status <= 499) return FailureCause::kClientError;
  return FailureCause::kOther;
}

bool IsRetriable(FailureCause cause) {
  return cause == FailureCause::kThrottled || cause == FailureCause::kServerError ||
         cause == FailureCause::kConnection || cause == FailureCause::kTimeout;
}

std::optional<double> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return seconds;
}

RetryPolicy::RetryPolicy(RetryOptions options) : options_(options), rng_(options.seed) {}

double RetryPolicy::Uniform01() {
  // 53 random bits: the same value on every standard library, unlike
  // std::uniform_real_distribution.
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

std::optional<double> RetryPolicy::Delay(int attempt, FailureCause cause,
                                         std::optional<double> retry_after) {
  if (!IsRetriable(cause) || attempt >= options_.max_attempts) return std::nullopt;
  if (retry_after) return std::min(*retry_after, options_.max_retry_after_seconds);
  // 2^(attempt-1) stops growing long before the cap matters; clamp the
  // exponent so a huge attempt count cannot overflow.
  double ceiling = options_.base_seconds * std::ldexp(1.0, std::clamp(attempt - 1, 0, 62));
  return Uniform01() * std::min(ceiling, options_.max_backoff_seconds);
}

}  // namespace rungs::exec
