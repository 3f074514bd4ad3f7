// rungs tune --executor lambda through the built binary: flags refused before
// any work, and a whole experiment against a local Invoke endpoint
// (testing::FakeLambda) with its cost in every output.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "job/envelope.h"
#include "store/request_inbox.h"
#include "testing/aws_env.h"
#include "testing/fake_lambda.h"
#include "testing/files.h"
#include "testing/finished_events.h"
#include "testing/run_program.h"
#include "testing/spaces.h"
#include "testing/temp_dir.h"

namespace rungs::tune {
namespace {

using testing::FakeLambda;
using testing::FinishedDetails;
using testing::ReadFile;
using testing::RunRungs;
using testing::WriteFile;

namespace fs = std::filesystem;

nlohmann::json LastJsonLine(const std::string& out) {
  std::string text = out.substr(0, out.find_last_not_of('\n') + 1);
  return nlohmann::json::parse(text.substr(text.rfind('\n') + 1));
}

// A Lambda function that "trains" instantly: its metric is lr, and each
// invocation is billed 1 s at 1024 MB, i.e. 1 GB-second.
void MakeInstant(FakeLambda& function) {
  function.billed_ms = 1000;
  function.memory_mb = 1024;
  function.metric = [](const job::JobEnvelope& e) { return e.config["lr"].get<double>(); };
}

class TuneLambda : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    std::string train;
    for (int i = 0; i < 300; ++i) {
      train += i % 2 ? "__label__a apple pear fig\n" : "__label__b car bus van\n";
    }
    WriteFile(Path("train.txt"), train);
    WriteFile(Path("space.toml"), testing::kTinySpaceToml);
    // Credentials and region from the environment only, as on a CI runner.
    env_.Set("AWS_ACCESS_KEY_ID", testing::kFakeAccessKey);
    env_.Set("AWS_SECRET_ACCESS_KEY", "secret");
    env_.Set("AWS_REGION", testing::kFakeRegion);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::vector<std::string> LambdaArgs(const std::string& endpoint, const std::string& out) const {
    return {"tune", "--train", Path("train.txt"), "--space", Path("space.toml"), "--max-epochs", "9",
            "--executor", "lambda", "--function", "rungs-fn", "--endpoint-url", endpoint,
            "--concurrency", "4", "--out", Path(out), "--json"};
  }

  // A Lambda tune into out/ at $1 per GB-s, so every job costs $1, whose
  // only near limit is `dollars` (the epoch budget is far away).
  std::vector<std::string> DollarArgs(const std::string& endpoint, const char* dollars,
                                      const char* concurrency) const {
    std::vector<std::string> args = LambdaArgs(endpoint, "out");
    args.insert(args.end(), {"--price-per-gb-second", "1", "--budget-dollars", dollars, "--concurrency",
                             concurrency, "--budget-epochs", "10000"});
    return args;
  }

  testing::ScopedAwsEnv env_;
  fs::path dir_;
};

TEST_F(TuneLambda, RunsAnExperimentOnLambdaAndReportsItsCost) {
  FakeLambda function;
  MakeInstant(function);
  std::vector<std::string> args = LambdaArgs(function.Url(), "out");
  args.insert(args.end(), {"--max-trials", "12", "--threads", "2", "--seed", "5"});
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(function.problems().empty()) << function.problems()[0];

  // Every job went to Lambda as a restart-mode request for the data as given.
  std::vector<job::JobEnvelope> requests = function.envelopes();
  ASSERT_GE(requests.size(), 12u);
  std::set<uint64_t> ids;
  for (const job::JobEnvelope& e : requests) {
    ids.insert(e.job.id);
    EXPECT_EQ(e.job.epochs_from, 0);
    EXPECT_FALSE(e.checkpoint);
    EXPECT_EQ(e.data.train, Path("train.txt"));
    EXPECT_TRUE(e.data.valid.empty());
    EXPECT_EQ(e.data.split_seed, 5u);
    EXPECT_EQ(e.task.threads, 2);
    EXPECT_EQ(e.task.metric, "accuracy");
    EXPECT_EQ(e.seed, 5u);
    EXPECT_TRUE(e.config.contains("lr") && e.config.contains("dim")) << e.config.dump();
  }
  EXPECT_EQ(ids.size(), requests.size()) << "a job was sent twice";

  // The summary, best.json, trials.csv and the report carry the cost: 1 GB-s a job.
  nlohmann::json summary = LastJsonLine(run.out);
  EXPECT_EQ(summary["jobs"].get<uint64_t>(), requests.size());
  EXPECT_DOUBLE_EQ(summary["cost"]["gb_seconds"].get<double>(), static_cast<double>(requests.size()));
  EXPECT_NEAR(summary["cost"]["dollars"].get<double>(), requests.size() * 0.0000166667, 1e-12);
  nlohmann::json best = nlohmann::json::parse(ReadFile(Path("out/best.json")));
  EXPECT_DOUBLE_EQ(best["cost"]["gb_seconds"].get<double>(), static_cast<double>(requests.size()));
  std::istringstream csv(ReadFile(Path("out/trials.csv")));
  std::string line;
  std::getline(csv, line);
  EXPECT_NE(line.find(",billed_ms,memory_mb,"), std::string::npos) << line;
  while (std::getline(csv, line)) EXPECT_NE(line.find(",1000,1024,"), std::string::npos) << line;
  EXPECT_NE(ReadFile(Path("out/report.html")).find("Lambda cost"), std::string::npos);
  // The best trial was retrained here for best.bin.
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
}

TEST_F(TuneLambda, AJobLargerThanTheFunctionsMemoryIsRefusedBeforeInvoking) {
  FakeLambda function;
  function.memory_mb = 128;
  // Bigrams with 40M+ buckets need a 160 MB slot table: more than 128 MB.
  WriteFile(Path("space.toml"), std::string(testing::kTinySpaceToml) + R"(
[params.wordNgrams]
type = "int"
min = 1
max = 2
[params.bucket]
type = "int"
min = 40000000
max = 50000000
)");
  std::vector<std::string> args = LambdaArgs(function.Url(), "out");
  args.insert(args.end(), {"--max-trials", "16", "--memory-mb", "128"});
  testing::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<uint64_t> invoked;
  for (const job::JobEnvelope& e : function.envelopes()) {
    invoked.insert(e.job.id);
    EXPECT_EQ(e.config["wordNgrams"], 1) << "a bigram job was invoked: " << e.config.dump();
  }
  std::istringstream csv(ReadFile(Path("out/trials.csv")));
  std::string line;
  std::getline(csv, line);
  int refused = 0;
  while (std::getline(csv, line)) {
    if (line.find(",refused,") == std::string::npos) continue;
    ++refused;
    EXPECT_NE(line.find("the Lambda function's memory of 128.0 MB"), std::string::npos) << line;
    EXPECT_NE(line.find("\"\"wordNgrams\"\":2"), std::string::npos) << line;  // the configuration
    EXPECT_EQ(invoked.count(std::stoull(line.substr(0, line.find(',')))), 0u) << line;
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(LastJsonLine(run.out)["refused"].get<int>(), refused);
}

TEST_F(TuneLambda, DollarBudgetStopsStartingJobs) {
  FakeLambda function;
  MakeInstant(function);
  testing::RunResult run = RunRungs(DollarArgs(function.Url(), "6", "2"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json summary = LastJsonLine(run.out);
  EXPECT_EQ(summary["stopped_because"], "budget_dollars");
  double dollars = summary["cost"]["dollars"].get<double>();
  EXPECT_GE(dollars, 6.0);
  EXPECT_LE(dollars, 8.0);  // at most the two running jobs finish beyond the budget
  EXPECT_NE(run.err.find("\"dollars\""), std::string::npos) << "progress lines carry the cost";
}

TEST_F(TuneLambda, DollarStopIsJournaledAsBudgetDollars) {
  FakeLambda function;
  MakeInstant(function);
  testing::RunResult run = RunRungs(DollarArgs(function.Url(), "3", "1"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastJsonLine(run.out)["stopped_because"], "budget_dollars");
  std::vector<std::string> finished = FinishedDetails(Path("out/journal.sqlite"));
  ASSERT_FALSE(finished.empty());
  for (const std::string& detail : finished) {
    EXPECT_NE(detail.find("budget_dollars"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("stop requested"), std::string::npos) << detail;
  }
}

// The money budget is one the run has, so an extend request adds to it;
// the run that takes it (here a resume) spends the new total.
TEST_F(TuneLambda, AnExtendRequestRaisesTheDollarBudget) {
  FakeLambda function;
  MakeInstant(function);
  testing::RunResult run = RunRungs(DollarArgs(function.Url(), "3", "1"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_LE(LastJsonLine(run.out)["cost"]["dollars"].get<double>(), 4.0);
  Result<int64_t> id =
      store::PostRequest(Path("out/journal.sqlite"), store::RequestKind::kExtend, R"({"dollars":3})");
  ASSERT_TRUE(id.ok()) << id.message();

  testing::RunResult resumed = RunRungs({"tune", "--resume", Path("out"), "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  nlohmann::json summary = LastJsonLine(resumed.out);
  EXPECT_EQ(summary["stopped_because"], "budget_dollars");
  const double dollars = summary["cost"]["dollars"].get<double>();
  EXPECT_GE(dollars, 6.0);
  EXPECT_LE(dollars, 7.0);  // the one running job finishes beyond the budget
  EXPECT_EQ(store::RequestOutcome(Path("out/journal.sqlite"), *id)->value_or("(pending)"), "ok");
  EXPECT_EQ(nlohmann::json::parse(ReadFile(Path("out/experiment.json")))["budget-dollars"], 6.0);
}

TEST_F(TuneLambda, BadLambdaFlagsFailBeforeAnyWork) {
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* message;
  };
  std::vector<Case> cases = {
      {"no function", {"--executor", "lambda"}, "--executor lambda needs --function"},
      {"bad function", {"--executor", "lambda", "--function", "my fn"}, "may hold only letters, digits"},
      {"bad qualifier", {"--executor", "lambda", "--function", "f", "--qualifier", "a/b"}, "--qualifier"},
      {"command", {"--executor", "lambda", "--function", "f", "--command", "train {lr}", "--space", Path("space.toml")},
       "--command cannot run on Lambda"},
      {"resume", {"--executor", "lambda", "--function", "f", "--promotion", "resume"}, "--promotion resume"},
      {"concurrency", {"--executor", "lambda", "--function", "f", "--concurrency", "0"}, "--concurrency"},
      {"function without lambda", {"--function", "f"}, "--function needs --executor lambda"},
      {"dollars without lambda", {"--budget-dollars", "3"}, "--budget-dollars needs --executor lambda"},
      {"executor", {"--executor", "k8s"}, "--executor must be local or lambda"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"tune", "--train", Path("train.txt"), "--budget-epochs", "20",
                                     "--out", Path("bad_out"), "--quiet"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    testing::RunResult run = RunRungs(args);
    EXPECT_FALSE(run.signalled) << c.name;
    EXPECT_NE(run.exit_code, 0) << c.name;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.name << ": " << run.err;
    EXPECT_FALSE(fs::exists(Path("bad_out/journal.sqlite"))) << c.name << " started work";
  }
  // No region, then no credentials, anywhere AWS looks.
  std::vector<std::string> lambda = {"tune", "--train", Path("train.txt"), "--budget-epochs", "20",
                                     "--out", Path("bad_out"), "--quiet", "--executor", "lambda",
                                     "--function", "f", "--endpoint-url", "http://127.0.0.1:9"};
  ::unsetenv("AWS_REGION");
  testing::RunResult run = RunRungs(lambda);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("--region"), std::string::npos) << run.err;
  env_.Set("AWS_REGION", testing::kFakeRegion);
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  run = RunRungs(lambda);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("AWS credentials"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(Path("bad_out/journal.sqlite")));
}

}  // namespace
}  // namespace rungs::tune
