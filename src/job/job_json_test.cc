#include "job/job_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "job/envelope.h"

namespace rungs::job {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Job SampleJob() {
  Job job;
  job.id = 1ull << 40;
  job.trial = 4000000000u;
  job.bracket = 2;
  job.rung = 3;
  job.epochs_from = 9;
  job.epochs_to = 27;
  job.lr_scale = 0.25;
  job.config = {0.1, kNaN, 3, 1e-7};
  return job;
}

JobResult SampleResult() {
  JobResult r;
  r.job = 77;
  r.trial = 12;
  r.rung = 1;
  r.outcome = Outcome::kDiverged;
  r.metric = -0.5;
  r.epochs_trained = 6;
  r.seconds = 12.75;
  r.error = "loss is NaN at epoch 4";
  r.cost.billed_ms = 12751;
  r.cost.memory_mb = 3008;
  return r;
}

JobEnvelope SampleEnvelope() {
  JobEnvelope e;
  e.experiment = "exp-20261128-a";
  e.job = SampleJob();
  e.job.config.clear();  // travels by name instead
  e.config = {{"lr", 0.1}, {"loss", "ns"}, {"dim", 100}};
  e.data.train = "s3://bucket/train.txt";
  e.data.valid = "s3://bucket/valid.txt";
  e.data.valid_fraction = 0.2;
  e.data.split_seed = 99;
  e.data.read = {{"format", "csv"}, {"csv_label_column", "label"}};
  e.task = {"f1", 4};
  e.checkpoint = "s3://bucket/ckpt/12.bin";
  e.seed = 18446744073709551615ull;
  return e;
}

TEST(JobJson, JobRoundTripsIncludingInactiveParameters) {
  Job job = SampleJob();
  // Through text, as the journal and executors store it.
  Result<json> parsed = ParseJson(JobToJson(job).dump(), "test");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  Result<Job> back = JobFromJson(*parsed, "test");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->id, job.id);
  EXPECT_EQ(back->trial, job.trial);
  EXPECT_EQ(back->bracket, 2);
  EXPECT_EQ(back->rung, 3);
  EXPECT_EQ(back->epochs_from, 9);
  EXPECT_EQ(back->epochs_to, 27);
  EXPECT_EQ(back->lr_scale, 0.25);
  ASSERT_EQ(back->config.size(), 4u);
  EXPECT_EQ(back->config[0], 0.1);
  EXPECT_TRUE(std::isnan(back->config[1]));
  EXPECT_EQ(back->config[3], 1e-7);
}

TEST(JobJson, ResultRoundTripsAndNaNMetricBecomesNull) {
  JobResult r = SampleResult();
  Result<JobResult> back = ResultFromJson(*ParseJson(ResultToJson(r).dump(), "t"), "t");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->job, 77u);
  EXPECT_EQ(back->trial, 12u);
  EXPECT_EQ(back->rung, 1);
  EXPECT_EQ(back->outcome, Outcome::kDiverged);
  EXPECT_EQ(back->metric, -0.5);
  EXPECT_EQ(back->epochs_trained, 6);
  EXPECT_EQ(back->seconds, 12.75);
  EXPECT_EQ(back->error, r.error);
  EXPECT_EQ(back->cost.billed_ms, 12751);
  EXPECT_EQ(back->cost.memory_mb, 3008);

  r.metric = kNaN;
  json encoded = ResultToJson(r);
  EXPECT_TRUE(encoded["metric"].is_null());
  EXPECT_TRUE(std::isnan(ResultFromJson(encoded, "t")->metric));
}

// A failure carries its kind; a result written before it had one (no
// "failure" field) reads as a plain error.
TEST(JobJson, AFailureTravelsWithItsKind) {
  JobResult r = SampleResult();
  r.outcome = Outcome::kFailed;
  r.failure = Failure::kLambdaFunction;
  json encoded = ResultToJson(r);
  EXPECT_EQ(encoded["failure"], "lambda_function");
  EXPECT_EQ(ResultFromJson(encoded, "t")->failure, Failure::kLambdaFunction);
  encoded.erase("failure");
  EXPECT_EQ(ResultFromJson(encoded, "t")->failure, Failure::kError);
  r.outcome = Outcome::kOk;
  EXPECT_FALSE(ResultToJson(r).contains("failure"));
  for (Failure f : {Failure::kError, Failure::kCrash, Failure::kInternal, Failure::kLambdaService,
                    Failure::kLambdaFunction, Failure::kLambdaResponse}) {
    EXPECT_EQ(FailureFromName(FailureName(f)), f);
  }
}

TEST(JobJson, ALongErrorIsCutToWhatTheDecoderReadsBetweenCharacters) {
  JobResult r = SampleResult();
  r.error = std::string(65535, 'x') + "\xC3\xA9" + std::string(100, 'y');  // 'é' across the limit
  json encoded = ResultToJson(r);
  EXPECT_EQ(encoded["error"], std::string(65535, 'x'));
  Result<JobResult> back = ResultFromJson(encoded, "t");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->error, std::string(65535, 'x'));
}

TEST(JobJson, EnvelopeRoundTripsWithAndWithoutCheckpoint) {
  JobEnvelope e = SampleEnvelope();
  Result<JobEnvelope> back = EnvelopeFromJson(*ParseJson(EnvelopeToJson(e).dump(), "t"), "t");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->experiment, e.experiment);
  EXPECT_EQ(back->job.id, e.job.id);
  EXPECT_EQ(back->job.epochs_from, 9);
  EXPECT_EQ(back->config, e.config);
  EXPECT_EQ(back->data.train, e.data.train);
  EXPECT_EQ(back->data.valid, e.data.valid);
  EXPECT_EQ(back->data.valid_fraction, 0.2);
  EXPECT_EQ(back->data.split_seed, 99u);
  EXPECT_EQ(back->data.read, e.data.read);
  EXPECT_EQ(back->task.metric, "f1");
  EXPECT_EQ(back->task.threads, 4);
  EXPECT_EQ(back->checkpoint, e.checkpoint);
  EXPECT_EQ(back->seed, e.seed);

  e.job.epochs_from = 0;
  e.checkpoint.reset();
  back = EnvelopeFromJson(EnvelopeToJson(e), "t");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_FALSE(back->checkpoint.has_value());
}

TEST(JobJson, EnvelopeWithoutValidFileTravelsAsNull) {
  JobEnvelope e = SampleEnvelope();
  e.data.valid.clear();
  json encoded = EnvelopeToJson(e);
  EXPECT_TRUE(encoded["data"]["valid"].is_null());
  Result<JobEnvelope> back = EnvelopeFromJson(encoded, "t");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->data.valid, "");
}

TEST(JobJson, OtherProtocolVersionsAreRefusedByVersion) {
  json doc = ResultToJson(SampleResult());
  doc["v"] = 1;
  Status status = ResultFromJson(doc, "journal.db").status();
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("protocol version 1"));
  EXPECT_THAT(status.message(), HasSubstr("reads only version 2"));
  json envelope = EnvelopeToJson(SampleEnvelope());
  envelope["v"] = 1;
  EXPECT_THAT(EnvelopeFromJson(envelope, "lambda request").message(),
              HasSubstr("protocol version 1"));
}

// One bad field at a time: each must be refused with a message naming it.
struct BadField {
  const char* field;  // the field the message must name
  json value;         // its bad value; null-with-erase means "remove it"
  bool erase = false;
};

void ExpectRefused(const json& good, const BadField& bad,
                   const std::function<Status(const json&)>& decode) {
  json doc = good;
  if (bad.erase) {
    doc.erase(bad.field);
  } else {
    doc[bad.field] = bad.value;
  }
  Status status = decode(doc);
  ASSERT_FALSE(status.ok()) << "accepted " << doc.dump();
  EXPECT_THAT(status.message(), HasSubstr("'" + std::string(bad.field) + "'")) << doc.dump();
  EXPECT_THAT(status.message(), HasSubstr("where.json:3")) << status.message();
}

TEST(JobJson, JobRefusesEveryInvalidField) {
  json good = JobToJson(SampleJob());
  auto decode = [](const json& j) { return JobFromJson(j, "where.json:3").status(); };
  for (const BadField& bad : std::vector<BadField>{
           {"v", 1},
           {"v", 3},
           {"v", "2"},
           {"v", nullptr, true},
           {"id", -1},
           {"id", "7"},
           {"id", 1.5},
           {"trial", 4294967296ll},
           {"trial", -3},
           {"bracket", 65},
           {"bracket", -1},
           {"rung", 65},
           {"epochs_from", -1},
           {"epochs_to", 0},
           {"epochs_to", 9},  // not above epochs_from
           {"epochs_to", 100001},
           {"lr_scale", 0},
           {"lr_scale", -0.5},
           {"lr_scale", 1001},
           {"lr_scale", "big"},
           {"config", json::object()},
           {"config", json::array({1, "x"})},
           {"config", nullptr, true},
           {"colour", "red"},  // unknown field
       }) {
    ExpectRefused(good, bad, decode);
  }
}

TEST(JobJson, ResultRefusesEveryInvalidField) {
  json good = ResultToJson(SampleResult());
  auto decode = [](const json& j) { return ResultFromJson(j, "where.json:3").status(); };
  for (const BadField& bad : std::vector<BadField>{
           {"v", 0},
           {"job", -5},
           {"trial", 1.25},
           {"rung", 100},
           {"outcome", "fine"},
           {"outcome", ""},
           {"outcome", 1},
           {"metric", "0.9"},
           {"metric", nullptr, true},
           {"epochs_trained", -1},
           {"epochs_trained", 100001},
           {"seconds", -0.1},
           {"seconds", nullptr},
           {"error", 3},
           {"error", std::string(70000, 'x')},
           {"billed_ms", -1},
           {"billed_ms", 9007199254740993ll},
           {"billed_ms", 1.5},
           {"billed_ms", nullptr, true},
           {"memory_mb", 1048577},
           {"memory_mb", nullptr, true},
           {"failure", "disk"},
           {"failure", 2},
           {"extra", 1},
       }) {
    ExpectRefused(good, bad, decode);
  }
}

// The sample envelope's data (task) object with one field changed or removed.
json WithNested(const char* object, const char* field, json value, bool erase) {
  json nested = EnvelopeToJson(SampleEnvelope())[object];
  if (erase) {
    nested.erase(field);
  } else {
    nested[field] = std::move(value);
  }
  return nested;
}
json WithData(const char* field, json value, bool erase = false) {
  return WithNested("data", field, std::move(value), erase);
}
json WithTask(const char* field, json value, bool erase = false) {
  return WithNested("task", field, std::move(value), erase);
}

TEST(JobJson, EnvelopeRefusesEveryInvalidField) {
  json good = EnvelopeToJson(SampleEnvelope());
  auto decode = [](const json& j) { return EnvelopeFromJson(j, "where.json:3").status(); };
  for (const BadField& bad : std::vector<BadField>{
           {"v", 3},
           {"experiment", ""},
           {"experiment", nullptr, true},
           {"job", -1},
           {"epochs_to", 2},
           {"lr_scale", 0},
           {"config", json::array({1})},
           {"data", "s3://x"},
           {"data", WithData("valid", nullptr, true)},
           {"data", WithData("train", "")},
           {"data", WithData("train", nullptr)},
           {"data", WithData("valid", "")},
           {"data", WithData("valid", 3)},
           {"data", WithData("valid_fraction", 0)},
           {"data", WithData("valid_fraction", 1)},
           {"data", WithData("valid_fraction", "0.1")},
           {"data", WithData("split_seed", -1)},
           {"data", WithData("read", "csv")},
           {"data", WithData("read", nullptr, true)},
           {"data", WithData("x", 1)},
           {"task", "f1"},
           {"task", nullptr, true},
           {"task", WithTask("metric", "auc")},
           {"task", WithTask("metric", nullptr, true)},
           {"task", WithTask("threads", 0)},
           {"task", WithTask("threads", 257)},
           {"task", WithTask("y", 1)},
           {"checkpoint", nullptr},  // epochs_from is 9: resuming needs one
           {"checkpoint", ""},
           {"checkpoint", 5},
           {"seed", -1},
           {"seed", nullptr, true},
       }) {
    SCOPED_TRACE(std::string(bad.field) + " = " + bad.value.dump());
    json doc = good;
    if (bad.erase) {
      doc.erase(bad.field);
    } else {
      doc[bad.field] = bad.value;
    }
    Status status = decode(doc);
    ASSERT_FALSE(status.ok()) << "accepted " << doc.dump();
    EXPECT_THAT(status.message(), HasSubstr("where.json:3"));
    // Nested data and task errors name the inner field; all others the outer
    // one.
    if (!bad.value.is_object()) {
      EXPECT_THAT(status.message(), HasSubstr("'" + std::string(bad.field) + "'"));
    } else {
      std::string inner;  // the one key whose value differs from the good document's
      const json& before = good[bad.field];
      for (const auto& item : before.items()) {
        if (!bad.value.contains(item.key()) || bad.value[item.key()] != item.value()) {
          inner = item.key();
        }
      }
      for (const auto& item : bad.value.items()) {
        if (!before.contains(item.key())) inner = item.key();
      }
      EXPECT_THAT(status.message(),
                  HasSubstr("job request " + std::string(bad.field) + " field '" + inner + "'"));
    }
  }
}

TEST(JobJson, MalformedTextNamesOriginAndByte) {
  Result<json> parsed = ParseJson("{\"v\": 1,", "lambda request");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.message(), HasSubstr("lambda request"));
  EXPECT_THAT(parsed.message(), HasSubstr("byte"));
  EXPECT_FALSE(JobFromJson(json::array(), "x").ok());
}

TEST(JobJson, ANumberBeyondADoubleIsAnErrorNotAnException) {
  // Found by fuzz/json_lines.cc in the JSON-lines reader, which parses the same way.
  Result<json> parsed = ParseJson(R"({"v": 2, "metric": 1e999})", "lambda response");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.message(), HasSubstr("lambda response"));
  EXPECT_THAT(parsed.message(), HasSubstr("too large"));
}

TEST(JobJson, OutcomeNamesRoundTrip) {
  for (Outcome o : {Outcome::kOk, Outcome::kFailed, Outcome::kDiverged, Outcome::kTimeout,
                    Outcome::kAbandoned}) {
    EXPECT_EQ(OutcomeFromName(OutcomeName(o)), o);
  }
  EXPECT_FALSE(OutcomeFromName("OK").has_value());
}

}  // namespace
}  // namespace rungs::job
