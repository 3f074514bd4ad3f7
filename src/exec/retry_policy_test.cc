#include "exec/retry_policy.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rungs::exec {
namespace {

TEST(RetryPolicy, FullJitterStaysUnderTheExponentialCeiling) {
  RetryPolicy policy({.max_attempts = 100, .base_seconds = 1, .max_backoff_seconds = 1000, .seed = 7});
  for (int attempt = 1; attempt <= 6; ++attempt) {
    double ceiling = 1 << (attempt - 1);
    double low = ceiling, high = 0;
    for (int i = 0; i < 2000; ++i) {
      std::optional<double> d = policy.Delay(attempt, FailureCause::kServerError);
      ASSERT_TRUE(d);
      ASSERT_GE(*d, 0);
      ASSERT_LT(*d, ceiling);
      low = std::min(low, *d);
      high = std::max(high, *d);
    }
    // Full jitter spreads over the whole range, not just near the ceiling.
    EXPECT_LT(low, 0.05 * ceiling) << attempt;
    EXPECT_GT(high, 0.95 * ceiling) << attempt;
  }
}

TEST(RetryPolicy, BackoffIsCapped) {
  RetryPolicy policy({.max_attempts = 100, .base_seconds = 1, .max_backoff_seconds = 20, .seed = 1});
  double high = 0;
  for (int i = 0; i < 2000; ++i) high = std::max(high, *policy.Delay(50, FailureCause::kThrottled));
  EXPECT_LE(high, 20);
  EXPECT_GT(high, 19);
}

TEST(RetryPolicy, RetryAfterWinsOverBackoffAndIsCut) {
  RetryPolicy policy({.max_attempts = 3, .max_retry_after_seconds = 30});
  EXPECT_EQ(policy.Delay(1, FailureCause::kThrottled, 2.5), 2.5);
  EXPECT_EQ(policy.Delay(2, FailureCause::kThrottled, 0.0), 0.0);
  EXPECT_EQ(policy.Delay(1, FailureCause::kThrottled, 3600.0), 30.0);
}

TEST(RetryPolicy, RetriesThrottlingServerErrorsAndTransportFailuresOnly) {
  RetryPolicy policy({});
  EXPECT_TRUE(policy.Delay(1, CauseOfStatus(429)));
  EXPECT_TRUE(policy.Delay(1, CauseOfStatus(500)));
  EXPECT_TRUE(policy.Delay(1, CauseOfStatus(503)));
  EXPECT_TRUE(policy.Delay(1, FailureCause::kConnection));
  EXPECT_TRUE(policy.Delay(1, FailureCause::kTimeout));
  EXPECT_FALSE(policy.Delay(1, CauseOfStatus(400)));
  EXPECT_FALSE(policy.Delay(1, CauseOfStatus(403)));
  EXPECT_FALSE(policy.Delay(1, CauseOfStatus(404)));
  EXPECT_FALSE(policy.Delay(1, CauseOfStatus(413)));
  EXPECT_FALSE(policy.Delay(1, FailureCause::kOther));
  EXPECT_EQ(CauseOfStatus(429), FailureCause::kThrottled);
  EXPECT_EQ(CauseOfStatus(502), FailureCause::kServerError);
  EXPECT_EQ(CauseOfStatus(401), FailureCause::kClientError);
}

TEST(RetryPolicy, StandardModeMakesThreeAttempts) {
  RetryPolicy policy({});
  EXPECT_EQ(policy.options().max_attempts, 3);
  EXPECT_TRUE(policy.Delay(1, FailureCause::kServerError));
  EXPECT_TRUE(policy.Delay(2, FailureCause::kServerError));
  EXPECT_FALSE(policy.Delay(3, FailureCause::kServerError));
  EXPECT_FALSE(policy.Delay(3, FailureCause::kThrottled, 1.0));  // Retry-After does not add attempts
  RetryPolicy once({.max_attempts = 1});
  EXPECT_FALSE(once.Delay(1, FailureCause::kConnection));
}

TEST(RetryPolicy, SameSeedSameDelays) {
  RetryPolicy a({.seed = 42}), b({.seed = 42}), c({.seed = 43});
  bool differs = false;
  for (int i = 0; i < 10; ++i) {
    double x = *a.Delay(1, FailureCause::kTimeout), y = *b.Delay(1, FailureCause::kTimeout);
    EXPECT_EQ(x, y);
    differs = differs || x != *c.Delay(1, FailureCause::kTimeout);
  }
  EXPECT_TRUE(differs);
}

TEST(RetryPolicy, ParsesRetryAfterSecondsOnly) {
  EXPECT_EQ(ParseRetryAfter("2"), 2.0);
  EXPECT_EQ(ParseRetryAfter(" 0.25\r"), 0.25);
  EXPECT_EQ(ParseRetryAfter("0"), 0.0);
  EXPECT_FALSE(ParseRetryAfter(""));
  EXPECT_FALSE(ParseRetryAfter("-1"));
  EXPECT_FALSE(ParseRetryAfter("soon"));
  EXPECT_FALSE(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
}

}  // namespace
}  // namespace rungs::exec
