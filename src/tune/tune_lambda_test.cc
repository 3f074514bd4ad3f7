// rungs tune --executor lambda through the built binary: flags refused before
// any work, and a whole experiment against a local Invoke endpoint (written
// here: it checks each request is a valid job request and answers with a
// result and a REPORT line) with its cost in every output.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "cli/run_rungs_testing.h"
#include "job/envelope.h"
#include "job/job_json.h"
#include "tune/finished_events_testing.h"

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;
using cli::ReadWholeFile;
using cli::RunRungs;
using cli::WriteWholeFile;

constexpr const char* kSpace = R"(
[params.lr]
type = "float"
min = 0.05
max = 1.0
scale = "log"
[params.dim]
type = "int"
min = 4
max = 24
)";

// A Lambda function that "trains" instantly: its metric is lr, and each
// invocation is billed 1 s at 1024 MB, i.e. 1 GB-second.
class FakeFunction {
 public:
  FakeFunction() {
    server_.Post(R"(/2015-03-31/functions/([^/]+)/invocations)",
                 [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeFunction() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> problems() {
    std::lock_guard<std::mutex> lock(mu_);
    return problems_;
  }
  std::vector<job::JobEnvelope> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Serve(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (req.matches[1] != "rungs-fn") problems_.push_back("function " + std::string(req.matches[1]));
    if (req.get_header_value("Authorization").rfind("AWS4-HMAC-SHA256 ", 0) != 0) problems_.push_back("unsigned");
    auto json = job::ParseJson(req.body, "request");
    auto envelope = json.ok() ? job::EnvelopeFromJson(*json, "request") : Result<job::JobEnvelope>(json.error());
    if (!envelope.ok()) {
      problems_.push_back(envelope.message());
      res.status = 400;
      return;
    }
    requests_.push_back(*envelope);
    const job::Job& job = envelope->job;
    job::JobResult r;
    r.job = job.id;
    r.trial = job.trial;
    r.rung = job.rung;
    r.metric = envelope->config["lr"].get<double>();
    r.epochs_trained = job.epochs_to - job.epochs_from;
    r.seconds = 0.001;
    res.set_header("X-Amz-Log-Result",
                   Base64Encode("REPORT RequestId: x\tDuration: 999.1 ms\tBilled Duration: 1000 ms\tMemory Size: 1024 MB\n"));
    res.set_content(job::ResultToJson(r).dump(), "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> problems_;          // GUARDED_BY(mu_)
  std::vector<job::JobEnvelope> requests_;   // GUARDED_BY(mu_)
};

nlohmann::json LastJsonLine(const std::string& out) {
  std::string text = out.substr(0, out.find_last_not_of('\n') + 1);
  return nlohmann::json::parse(text.substr(text.rfind('\n') + 1));
}

class TuneLambda : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("rungs_tune_lambda_" + std::to_string(::getpid()) + "_" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string train;
    for (int i = 0; i < 300; ++i) {
      train += i % 2 ? "__label__a apple pear fig\n" : "__label__b car bus van\n";
    }
    WriteWholeFile(Path("train.txt"), train);
    WriteWholeFile(Path("space.toml"), kSpace);
    // Credentials and region from the environment only, as on a CI runner.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDTEST", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    ::setenv("AWS_REGION", "us-test-1", 1);
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", Path("no-credentials").c_str(), 1);
    ::setenv("AWS_CONFIG_FILE", Path("no-config").c_str(), 1);
    for (const char* name : {"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                             "AWS_ENDPOINT_URL_LAMBDA"}) {
      ::unsetenv(name);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::vector<std::string> LambdaArgs(const std::string& endpoint, const std::string& out) const {
    return {"tune", "--train", Path("train.txt"), "--space", Path("space.toml"), "--max-epochs", "9",
            "--executor", "lambda", "--function", "rungs-fn", "--endpoint-url", endpoint,
            "--concurrency", "4", "--out", Path(out), "--json"};
  }

  fs::path dir_;
};

TEST_F(TuneLambda, RunsAnExperimentOnLambdaAndReportsItsCost) {
  FakeFunction function;
  std::vector<std::string> args = LambdaArgs(function.url(), "out");
  args.insert(args.end(), {"--max-trials", "12", "--threads", "2", "--seed", "5"});
  cli::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(function.problems().empty()) << function.problems()[0];

  // Every job went to Lambda as a restart-mode request for the data as given.
  std::vector<job::JobEnvelope> requests = function.requests();
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
  nlohmann::json best = nlohmann::json::parse(ReadWholeFile(Path("out/best.json")));
  EXPECT_DOUBLE_EQ(best["cost"]["gb_seconds"].get<double>(), static_cast<double>(requests.size()));
  std::istringstream csv(ReadWholeFile(Path("out/trials.csv")));
  std::string line;
  std::getline(csv, line);
  EXPECT_NE(line.find(",billed_ms,memory_mb,"), std::string::npos) << line;
  while (std::getline(csv, line)) EXPECT_NE(line.find(",1000,1024,"), std::string::npos) << line;
  EXPECT_NE(ReadWholeFile(Path("out/report.html")).find("Lambda cost"), std::string::npos);
  // The best trial was retrained here for best.bin.
  EXPECT_TRUE(fs::exists(Path("out/best.bin")));
}

TEST_F(TuneLambda, AJobLargerThanTheFunctionsMemoryIsRefusedBeforeInvoking) {
  FakeFunction function;
  // Bigrams with 40M+ buckets need a 160 MB slot table: more than 128 MB.
  WriteWholeFile(Path("space.toml"), std::string(kSpace) + R"(
[params.wordNgrams]
type = "int"
min = 1
max = 2
[params.bucket]
type = "int"
min = 40000000
max = 50000000
)");
  std::vector<std::string> args = LambdaArgs(function.url(), "out");
  args.insert(args.end(), {"--max-trials", "16", "--memory-mb", "128"});
  cli::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<uint64_t> invoked;
  for (const job::JobEnvelope& e : function.requests()) {
    invoked.insert(e.job.id);
    EXPECT_EQ(e.config["wordNgrams"], 1) << "a bigram job was invoked: " << e.config.dump();
  }
  std::istringstream csv(ReadWholeFile(Path("out/trials.csv")));
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
  FakeFunction function;
  std::vector<std::string> args = LambdaArgs(function.url(), "out");
  // $1 per GB-s, so every job costs $1; the epoch budget is far away.
  args.insert(args.end(), {"--price-per-gb-second", "1", "--budget-dollars", "6", "--concurrency", "2",
                           "--budget-epochs", "10000"});
  cli::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json summary = LastJsonLine(run.out);
  EXPECT_EQ(summary["stopped_because"], "budget_dollars");
  double dollars = summary["cost"]["dollars"].get<double>();
  EXPECT_GE(dollars, 6.0);
  EXPECT_LE(dollars, 8.0);  // at most the two running jobs finish beyond the budget
  EXPECT_NE(run.err.find("\"dollars\""), std::string::npos) << "progress lines carry the cost";
}

TEST_F(TuneLambda, DollarStopIsJournaledAsBudgetDollars) {
  FakeFunction function;
  std::vector<std::string> args = LambdaArgs(function.url(), "out");
  args.insert(args.end(), {"--price-per-gb-second", "1", "--budget-dollars", "3", "--concurrency", "1",
                           "--budget-epochs", "10000"});
  cli::RunResult run = RunRungs(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastJsonLine(run.out)["stopped_because"], "budget_dollars");
  std::vector<std::string> finished = FinishedDetails(Path("out/journal.sqlite"));
  ASSERT_FALSE(finished.empty());
  for (const std::string& detail : finished) {
    EXPECT_NE(detail.find("budget_dollars"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("stop requested"), std::string::npos) << detail;
  }
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
    cli::RunResult run = RunRungs(args);
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
  cli::RunResult run = RunRungs(lambda);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("--region"), std::string::npos) << run.err;
  ::setenv("AWS_REGION", "us-test-1", 1);
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  run = RunRungs(lambda);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("AWS credentials"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(Path("bad_out/journal.sqlite")));
}

}  // namespace
}  // namespace rungs::tune
