// LambdaExecutor against a local Invoke endpoint (testing::FakeLambda) that
// checks each request the way Lambda would see it and injects the faults
// Lambda and the network produce.
#include "exec/lambda_executor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "base/base64.h"
#include "exec/lambda_cost.h"
#include "testing/fake_lambda.h"

namespace rungs::exec {
namespace {

using testing::FakeLambda;
using Fault = testing::LambdaFault;

job::Job LambdaJob(uint64_t id) {
  job::Job job;
  job.id = id;
  job.trial = static_cast<uint32_t>(id * 10);
  job.rung = 1;
  job.epochs_to = 3;
  return job;
}

job::JobEnvelope EnvelopeOf(const job::Job& job) {
  job::JobEnvelope e;
  e.experiment = "exp-test";
  e.job = job;
  e.config = {{"lr", 0.1}};
  e.data.train = "s3://bucket/train.txt";
  e.seed = 7;
  return e;
}

LambdaOptions OptionsFor(const FakeLambda& endpoint) {
  LambdaOptions o;
  o.target.endpoint = endpoint.Url();
  o.target.function = endpoint.function;
  o.target.qualifier = endpoint.qualifier;
  o.target.region = testing::kFakeRegion;
  o.target.credentials.access_key_id = testing::kFakeAccessKey;
  o.target.credentials.secret_access_key = "secret";
  o.target.credentials.session_token = endpoint.session_token;
  o.concurrency = 50;
  o.function_timeout_seconds = 1.0;
  o.read_timeout_seconds = 1.5;
  o.memory_mb = 512;
  o.retry = {.max_attempts = 3, .base_seconds = 0.01, .max_backoff_seconds = 0.05, .seed = 1};
  return o;
}

// Waits until `n` results came back (or 10 s), keyed by job id; a second
// result for a job fails the test.
std::map<uint64_t, job::JobResult> Collect(LambdaExecutor& executor, size_t n) {
  std::map<uint64_t, job::JobResult> all;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (all.size() < n && std::chrono::steady_clock::now() < give_up) {
    auto some = executor.Wait(0.5);
    EXPECT_TRUE(some.ok());
    for (job::JobResult& r : *some) {
      EXPECT_TRUE(all.emplace(r.job, r).second) << "job " << r.job << " returned twice";
    }
  }
  return all;
}

TEST(LambdaExecutor, RunsEveryJobOnceWithSignedRequestsOverReusedConnections) {
  FakeLambda endpoint("live");
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  EXPECT_EQ(executor.capacity(), 50);
  EXPECT_EQ(executor.promotion(), job::Promotion::kRestart);
  for (uint64_t round = 0; round < 4; ++round) {
    for (uint64_t id = 1; id <= 50; ++id) ASSERT_TRUE(executor.Submit(LambdaJob(round * 100 + id)).ok());
    EXPECT_FALSE(executor.Submit(LambdaJob(999)).ok()) << "capacity exceeded";
    auto results = Collect(executor, 50);
    ASSERT_EQ(results.size(), 50u);
    for (auto& [id, r] : results) {
      EXPECT_EQ(r.outcome, job::Outcome::kOk) << r.error;
      EXPECT_EQ(r.trial, id * 10);
      EXPECT_DOUBLE_EQ(r.metric, 0.5 + static_cast<double>(id) / 1000);
      EXPECT_EQ(r.cost.billed_ms, 123);
      EXPECT_EQ(r.cost.memory_mb, 2048);
    }
  }
  EXPECT_TRUE(endpoint.problems().empty()) << endpoint.problems()[0];
  EXPECT_EQ(executor.counters().invocations, 200u);
  EXPECT_EQ(executor.counters().retries, 0u);
  EXPECT_EQ(executor.counters().in_flight, 0u);
  // 200 requests, at most 50 at a time: connections were kept and reused.
  EXPECT_LE(endpoint.client_ports(), 60u);
}

TEST(LambdaExecutor, SendsTheSessionTokenWhenThereIsOne) {
  FakeLambda endpoint("live");
  endpoint.session_token = "token-xyz";
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  auto results = Collect(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[1].outcome, job::Outcome::kOk);
  EXPECT_TRUE(endpoint.problems().empty()) << endpoint.problems()[0];
}

TEST(LambdaExecutor, RetriesThrottlingServerErrorsDropsAndTimeouts) {
  FakeLambda endpoint("live");
  endpoint.KeepAliveMax(1);  // a fresh connection per request, so libcurl cannot quietly resend a dropped one
  endpoint.Plan(1, {Fault::k429});
  endpoint.Plan(2, {Fault::k500, Fault::k429});
  endpoint.Plan(3, {Fault::kDrop});
  endpoint.Plan(4, {Fault::kSlow});
  endpoint.Plan(5, {Fault::k500, Fault::k500, Fault::k500});  // every attempt fails
  endpoint.Plan(6, {Fault::kDrop, Fault::kDrop, Fault::kDrop});
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  for (uint64_t id = 1; id <= 7; ++id) ASSERT_TRUE(executor.Submit(LambdaJob(id)).ok());
  auto results = Collect(executor, 7);
  ASSERT_EQ(results.size(), 7u);
  for (uint64_t id : {1, 2, 3, 4, 7}) {
    EXPECT_EQ(results[id].outcome, job::Outcome::kOk) << id << ": " << results[id].error;
  }
  EXPECT_EQ(results[5].outcome, job::Outcome::kFailed);
  EXPECT_EQ(results[5].failure, job::Failure::kLambdaService);
  EXPECT_NE(results[5].error.find("after 3 attempts"), std::string::npos) << results[5].error;
  EXPECT_NE(results[5].error.find("HTTP 500 ServiceException: internal"), std::string::npos) << results[5].error;
  EXPECT_EQ(results[6].outcome, job::Outcome::kFailed);
  EXPECT_NE(results[6].error.find("after 3 attempts"), std::string::npos) << results[6].error;
  EXPECT_EQ(endpoint.requests(1), 2);
  EXPECT_EQ(endpoint.requests(2), 3);
  EXPECT_EQ(endpoint.requests(3), 2);
  EXPECT_EQ(endpoint.requests(4), 2);
  EXPECT_EQ(endpoint.requests(5), 3);
  EXPECT_EQ(endpoint.requests(7), 1);
  LambdaCounters c = executor.counters();
  EXPECT_EQ(c.retries_by_cause[static_cast<size_t>(FailureCause::kThrottled)], 2u);
  EXPECT_EQ(c.retries_by_cause[static_cast<size_t>(FailureCause::kServerError)], 3u);
  EXPECT_EQ(c.retries_by_cause[static_cast<size_t>(FailureCause::kConnection)], 3u);
  EXPECT_EQ(c.retries_by_cause[static_cast<size_t>(FailureCause::kTimeout)], 1u);
  EXPECT_EQ(c.retries, 9u);
  EXPECT_EQ(c.invocations, 16u);
  EXPECT_EQ(c.failed_jobs, 2u);
}

TEST(LambdaExecutor, RetryAfterIsHonouredInsteadOfTheBackoff) {
  FakeLambda endpoint("live");
  endpoint.Plan(1, {Fault::k429, Fault::k429});
  LambdaOptions options = OptionsFor(endpoint);
  options.retry.base_seconds = 30;  // the backoff would take many seconds
  options.retry.max_backoff_seconds = 30;
  LambdaExecutor executor(options, EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  auto start = std::chrono::steady_clock::now();
  auto results = Collect(executor, 1);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[1].outcome, job::Outcome::kOk) << results[1].error;
  EXPECT_GE(seconds, 0.1);  // two Retry-After waits of 0.05 s
  EXPECT_LT(seconds, 2.0);
}

TEST(LambdaExecutor, FunctionErrorFailsTheJobWithItsMessageAndIsBilled) {
  FakeLambda endpoint("live");
  endpoint.Plan(1, {Fault::kFunctionError});
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  auto results = Collect(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[1].outcome, job::Outcome::kFailed);
  EXPECT_EQ(results[1].failure, job::Failure::kLambdaFunction);
  EXPECT_NE(results[1].error.find("Runtime.OutOfMemory: out of memory in dictionary"), std::string::npos)
      << results[1].error;
  EXPECT_EQ(results[1].cost.billed_ms, 123);
  EXPECT_EQ(endpoint.requests(1), 1);  // a function error is the job's own: not retried
  EXPECT_EQ(executor.counters().function_errors, 1u);
}

TEST(LambdaExecutor, LateAnswerToATimedOutAttemptIsNeverCountedTwice) {
  FakeLambda endpoint("live");
  // The first attempt's answer comes after the read timeout (the function ran
  // on); the retry answers at once. Both deliver a result for job 1.
  endpoint.Plan(1, {Fault::kSlow});
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  EXPECT_FALSE(executor.Submit(LambdaJob(1)).ok()) << "a job already running";
  auto results = Collect(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[1].outcome, job::Outcome::kOk);
  // Once the slow attempt answered too, nothing more comes back.
  ASSERT_TRUE(endpoint.WaitHandled(1, 2));
  auto later = executor.Wait(0.2);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
  EXPECT_EQ(endpoint.requests(1), 2);
  // Billed for the answered attempt only.
  EXPECT_EQ(results[1].cost.billed_ms, 123);
}

TEST(LambdaExecutor, AnswerForAnotherJobFailsTheJob) {
  FakeLambda endpoint("live");
  endpoint.Plan(1, {Fault::kWrongJob});
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  auto results = Collect(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[1].outcome, job::Outcome::kFailed);
  EXPECT_EQ(results[1].failure, job::Failure::kLambdaResponse);
  EXPECT_NE(results[1].error.find("answers job 1001"), std::string::npos) << results[1].error;
}

TEST(LambdaExecutor, BillsMeasuredDurationAndGivenMemoryWithoutAReportLine) {
  FakeLambda endpoint("live");
  endpoint.Plan(1, {Fault::kNoLog});
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  auto results = Collect(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_GE(results[1].cost.billed_ms, 1);
  EXPECT_LT(results[1].cost.billed_ms, 1000);
  EXPECT_EQ(results[1].cost.memory_mb, 512);
}

TEST(LambdaExecutor, CancelAllReturnsRunningJobsAsAbandoned) {
  FakeLambda endpoint("live");
  endpoint.Plan(1, {Fault::kSlow});
  LambdaExecutor executor(OptionsFor(endpoint), EnvelopeOf);
  ASSERT_TRUE(executor.Submit(LambdaJob(1)).ok());
  auto none = executor.Wait(0.05);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  executor.CancelAll();
  auto results = Collect(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[1].outcome, job::Outcome::kAbandoned);
  EXPECT_EQ(executor.counters().in_flight, 0u);
}

TEST(LambdaExecutor, RefusesBadFunctionNamesAndLimits) {
  FakeLambda endpoint("live");
  LambdaOptions o = OptionsFor(endpoint);
  EXPECT_TRUE(CheckLambdaOptions(o).ok());
  o.target.function = "my function";
  EXPECT_NE(CheckLambdaOptions(o).message().find("--function 'my function'"), std::string::npos);
  LambdaExecutor executor(o, EnvelopeOf);
  EXPECT_FALSE(executor.Submit(LambdaJob(1)).ok());
  o = OptionsFor(endpoint);
  o.target.function = std::string(65, 'a');
  EXPECT_FALSE(CheckLambdaOptions(o).ok());
  o = OptionsFor(endpoint);
  o.target.qualifier = "v1/../x";
  EXPECT_NE(CheckLambdaOptions(o).message().find("--qualifier"), std::string::npos);
  o = OptionsFor(endpoint);
  o.concurrency = 0;
  EXPECT_FALSE(CheckLambdaOptions(o).ok());
  o = OptionsFor(endpoint);
  o.read_timeout_seconds = 0.5;  // not above the function timeout (1.0)
  EXPECT_FALSE(CheckLambdaOptions(o).ok());
}

TEST(LambdaCost, ReadsTheReportLineOfTheLogTail) {
  std::string log = "START RequestId: a\nsome output\nEND RequestId: a\n"
                    "REPORT RequestId: a\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\tMemory Size: 2048 MB\t"
                    "Max Memory Used: 300 MB\tInit Duration: 80.1 ms\n";
  std::optional<job::Cost> b = BillingFromLogResult(Base64Encode(log));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->billed_ms, 1235);
  EXPECT_EQ(b->memory_mb, 2048);
  EXPECT_FALSE(BillingFromLogResult(Base64Encode("no report here\n")));
  EXPECT_FALSE(BillingFromLogResult("not base64!"));
  EXPECT_FALSE(BillingFromLogResult(""));
  EXPECT_DOUBLE_EQ(GbSeconds({1000, 1024}), 1.0);
  EXPECT_DOUBLE_EQ(GbSeconds({1235, 2048}), 2.47);
}

}  // namespace
}  // namespace rungs::exec
