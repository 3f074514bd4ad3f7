#include "worker/job_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "space/space.h"
#include "trial/classifier_trial.h"
#include "testing/worker_jobs.h"

namespace rungs::worker {
namespace {

using testing::CorpusDir;
using testing::Envelope;
using testing::Request;

using nlohmann::json;
using ::testing::HasSubstr;

class JobRunnerTest : public ::testing::Test {
 protected:
  CorpusDir corpus_{"rungs_worker_runner"};
};

TEST_F(JobRunnerTest, TrainsAValidJobAndScoresIt) {
  JobRunner runner({});
  RunReply reply = runner.Run(Request(Envelope(corpus_.train())), std::nullopt);
  ASSERT_EQ(reply.error_type, "") << reply.error;
  const job::JobResult& r = reply.result;
  EXPECT_EQ(r.outcome, job::Outcome::kOk) << r.error;
  EXPECT_EQ(r.job, 42u);
  EXPECT_EQ(r.trial, 7u);
  EXPECT_EQ(r.rung, 1);
  EXPECT_EQ(r.epochs_trained, 3);
  EXPECT_GT(r.metric, 0.6);  // the corpus is separable
  EXPECT_GT(r.seconds, 0);
  EXPECT_EQ(r.cost.billed_ms, 0);  // not on Lambda: nothing billed
  EXPECT_EQ(r.cost.memory_mb, 0);
}

TEST_F(JobRunnerTest, OnLambdaReportsWhatTheJobIsBilledFor) {
  JobRunner runner({.memory_mb = 512});
  RunReply reply = runner.Run(Request(Envelope(corpus_.train())), std::nullopt);
  ASSERT_EQ(reply.error_type, "") << reply.error;
  EXPECT_EQ(reply.result.cost.memory_mb, 512);
  EXPECT_GE(reply.result.cost.billed_ms, 1);
  EXPECT_GE(reply.result.cost.billed_ms, std::floor(reply.result.seconds * 1000));
}

// Restart mode: a Lambda job equals a new local trial trained to the same
// epochs with the same seed, bit for bit (one thread).
TEST_F(JobRunnerTest, MatchesALocalClassifierTrialRun) {
  job::JobEnvelope e = Envelope(corpus_.train());
  e.job.epochs_to = 4;
  e.job.lr_scale = 0.64;
  e.task.metric = "loss";
  JobRunner runner({});
  RunReply reply = runner.Run(Request(e), std::nullopt);
  ASSERT_EQ(reply.error_type, "") << reply.error;

  auto space = space::Space::FromToml(
      "[params.lr]\ntype = \"float\"\nmin = 0.1\nmax = 1.0\n"
      "[params.dim]\ntype = \"int\"\nmin = 8\nmax = 16\n",
      "t.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  trial::DataSpec spec;
  spec.train = corpus_.train();
  spec.valid_fraction = 0.25;
  spec.split_seed = 3;
  trial::ClassifierData data(spec);
  trial::TrialOptions options;
  options.base.thread = 1;
  options.base.seed = 11;
  options.base.verbose = 0;
  options.metric = trial::Metric::kLoss;
  trial::ClassifierTrial local(*space, data, options);
  job::Job job = e.job;
  job.config = *space->FromJson(e.config);
  job::JobResult expected = local.Run(job, nullptr);

  ASSERT_EQ(expected.outcome, job::Outcome::kOk) << expected.error;
  EXPECT_EQ(reply.result.outcome, job::Outcome::kOk);
  EXPECT_EQ(reply.result.epochs_trained, expected.epochs_trained);
  EXPECT_EQ(reply.result.metric, expected.metric);
}

struct Mutation {
  const char* what;                   // what the refusal must name
  std::function<void(json&)> apply;   // turns the good request bad
};

TEST_F(JobRunnerTest, RefusesEveryBadFieldNamingIt) {
  json good = job::EnvelopeToJson(Envelope(corpus_.train()));
  std::vector<Mutation> mutations = {
      {"'experiment'", [](json& j) { j.erase("experiment"); }},
      {"'epochs_to'", [](json& j) { j["epochs_to"] = 0; }},
      {"'lr_scale'", [](json& j) { j["lr_scale"] = -1; }},
      {"'v' is protocol version 1", [](json& j) { j["v"] = 1; }},
      {"'checkpoint'", [](json& j) { j["checkpoint"] = "s3://b/ckpt"; }},
      {"'threads'", [](json& j) { j["task"]["threads"] = 0; }},
      {"'metric'", [](json& j) { j["task"]["metric"] = "auc"; }},
      {"'valid_fraction'", [](json& j) { j["data"]["valid_fraction"] = 1.5; }},
      {"'format'", [](json& j) { j["data"]["read"] = {{"format", "xml"}}; }},
      {"'csv_header'", [](json& j) { j["data"]["read"] = {{"csv_header", false}}; }},
      {"'colour'", [](json& j) { j["config"]["colour"] = "red"; }},
      {"dim", [](json& j) { j["config"]["dim"] = 0; }},
      {"dim", [](json& j) { j["config"]["dim"] = 10001; }},
      {"lr", [](json& j) { j["config"]["lr"] = "fast"; }},
      {"loss", [](json& j) { j["config"]["loss"] = "hinge"; }},
      {"bucket", [](json& j) { j["config"]["bucket"] = -1; }},
      {"minn", [](json& j) { j["config"]["minn"] = 4, j["config"]["maxn"] = 3; }},
  };
  JobRunner runner({});
  for (const Mutation& m : mutations) {
    json request = good;
    m.apply(request);
    RunReply reply = runner.Run(request.dump(), std::nullopt);
    EXPECT_EQ(reply.error_type, kInvalidJob) << request.dump();
    EXPECT_THAT(reply.error, HasSubstr(m.what)) << request.dump();
    EXPECT_THAT(reply.error, HasSubstr("lambda request")) << reply.error;
  }
  RunReply not_json = runner.Run("{\"v\": 2, ", std::nullopt);
  EXPECT_EQ(not_json.error_type, kInvalidJob);
  EXPECT_THAT(not_json.error, HasSubstr("not valid JSON"));
}

TEST_F(JobRunnerTest, RefusesAModelThatWouldExhaustTheFunctionsMemory) {
  job::JobEnvelope e = Envelope(corpus_.train());
  e.config = {{"lr", 0.5}, {"dim", 300}, {"wordNgrams", 2}, {"bucket", 2000000}};  // 2.2 GiB
  JobRunner small({.memory_mb = 1024});
  RunReply reply = small.Run(Request(e), std::nullopt);
  EXPECT_EQ(reply.error_type, kInvalidJob);
  EXPECT_THAT(reply.error, HasSubstr("bucket 2000000 x dim 300"));
  EXPECT_THAT(reply.error, HasSubstr("1024 MB"));

  // A model that fits the same function trains.
  e.config = {{"lr", 0.5}, {"dim", 12}, {"wordNgrams", 2}, {"bucket", 100000}};  // 4.6 MiB
  RunReply fits = small.Run(Request(e), std::nullopt);
  EXPECT_EQ(fits.error_type, "") << fits.error;
  EXPECT_EQ(fits.result.outcome, job::Outcome::kOk) << fits.result.error;
}

TEST_F(JobRunnerTest, StopsBeforeTheDeadlineAndReportsTimeoutWithThePartialModel) {
  job::JobEnvelope e = Envelope(corpus_.train());
  e.job.epochs_to = 100000;
  JobRunner runner({});
  auto start = Clock::now();
  RunReply reply = runner.Run(Request(e), start + std::chrono::milliseconds(600));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_EQ(reply.error_type, "") << reply.error;
  const job::JobResult& r = reply.result;
  EXPECT_EQ(r.outcome, job::Outcome::kTimeout);
  EXPECT_LT(r.epochs_trained, 100000);
  EXPECT_GT(r.epochs_trained, 0);
  EXPECT_THAT(r.error, HasSubstr("of 100000 epochs"));
  EXPECT_GT(r.metric, 0.5);  // the partial model is scored
  EXPECT_LT(seconds, 0.6);   // stopped a margin before the deadline
}

TEST_F(JobRunnerTest, DataThatCannotBeHadIsAFailedJobNotARefusal) {
  job::JobEnvelope e = Envelope(corpus_.dir() + "/missing.txt");
  JobRunner runner({});
  RunReply reply = runner.Run(Request(e), std::nullopt);
  ASSERT_EQ(reply.error_type, "") << reply.error;
  EXPECT_EQ(reply.result.outcome, job::Outcome::kFailed);
  EXPECT_THAT(reply.result.error, HasSubstr("data.train"));
  EXPECT_THAT(reply.result.error, HasSubstr("missing.txt"));
  EXPECT_EQ(reply.result.job, 42u);
}

TEST_F(JobRunnerTest, RelativePathsAreInsideThePackage) {
  JobRunner runner({.data = {.task_root = corpus_.dir()}});
  RunReply reply = runner.Run(Request(Envelope("train.txt")), std::nullopt);
  ASSERT_EQ(reply.error_type, "") << reply.error;
  EXPECT_EQ(reply.result.outcome, job::Outcome::kOk) << reply.result.error;
}

TEST(JobRunnerMargin, IsATenthOfTheTimeLeftWithinBounds) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  EXPECT_EQ(JobRunner::Margin(seconds(30)), seconds(3));
  EXPECT_EQ(JobRunner::Margin(milliseconds(500)), milliseconds(200));
  EXPECT_EQ(JobRunner::Margin(seconds(900)), seconds(10));
}

}  // namespace
}  // namespace rungs::worker
