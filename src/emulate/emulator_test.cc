// The emulator against instances that are small Python runtimes
// (test_runtime.py), invoked over HTTP with libcurl as a driver would.
#include "emulate/emulator.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "base/base64.h"
#include "testing/temp_dir.h"

namespace rungs::emulate {
namespace {

using nlohmann::json;

const char* kAuthorization =
    "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/lambda/"
    "aws4_request, SignedHeaders=host;x-amz-date, "
    "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
  json Json() const { return json::parse(body); }
};

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

Reply Invoke(const std::string& base, const std::string& payload,
             const std::string& function = "rungs", const std::string& query = "",
             bool sign = true) {
  Reply reply;
  CURL* curl = curl_easy_init();
  std::string url = base + "/2015-03-31/functions/" + function + "/invocations" + query;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "X-Amz-Log-Type: Tail");
  headers = curl_slist_append(headers, "X-Amz-Date: 20261128T081500Z");
  if (sign) headers = curl_slist_append(headers, kAuthorization);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  reply.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

EmulatorOptions ScriptOptions(int instances) {
  EmulatorOptions options;
  options.instances = instances;
  options.timeout_seconds = 10;
  options.command = {RUNGS_SOURCE_DIR "/src/emulate/test_runtime.py"};
  options.quiet = true;
  return options;
}

// What a caller sees of an invocation: "ok", "drop", "throttle",
// "server-error", or the errorType of a function error.
std::string Kind(Reply reply) {
  if (reply.code == CURLE_GOT_NOTHING) return "drop";
  if (reply.status == 429 && reply.headers.count("retry-after")) return "throttle";
  if (reply.status == 500 && reply.headers["x-amzn-errortype"] == "ServiceException") {
    return "server-error";
  }
  if (reply.status == 200 && reply.headers.count("x-amz-function-error")) {
    return reply.Json()["errorType"].get<std::string>();
  }
  if (reply.status == 200) return "ok";
  return "unexpected " + std::to_string(reply.status) + " " + reply.body;
}

std::unique_ptr<Emulator> StartOrDie(const EmulatorOptions& options) {
  Result<std::unique_ptr<Emulator>> emulator = Emulator::Start(options);
  EXPECT_TRUE(emulator.ok()) << emulator.message();
  return emulator.ok() ? std::move(*emulator) : nullptr;
}

TEST(Emulator, AnswersWithThePayloadAndLambdasHeaders) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDPASSEDTHROUGH", 1);
  EmulatorOptions options = ScriptOptions(1);
  options.memory_mb = 1024;
  options.environment = {"RUNGS_TEST_FLAG=on"};
  auto emulator = StartOrDie(options);
  ASSERT_TRUE(emulator);
  auto before = std::chrono::system_clock::now();
  Reply reply = Invoke(emulator->url(), R"({"x":1})");
  ASSERT_EQ(reply.code, CURLE_OK);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers["x-amz-executed-version"], "$LATEST");
  EXPECT_EQ(reply.headers.count("x-amz-function-error"), 0u);
  json answer = reply.Json();
  EXPECT_EQ(answer["event"], json::parse(R"({"x":1})"));

  const json& env = answer["env"];
  EXPECT_EQ(env["AWS_LAMBDA_FUNCTION_NAME"], "rungs");
  EXPECT_EQ(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "1024");
  EXPECT_EQ(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
  EXPECT_EQ(env["AWS_REGION"], "us-east-1");
  EXPECT_EQ(env["AWS_ACCESS_KEY_ID"], "AKIDPASSEDTHROUGH");
  EXPECT_EQ(env["RUNGS_TEST_FLAG"], "on");
  EXPECT_EQ(env["_HANDLER"], "bootstrap");
  EXPECT_EQ(env["LAMBDA_TASK_ROOT"], answer["cwd"]);
  EXPECT_TRUE(env.contains("AWS_LAMBDA_RUNTIME_API"));

  const json& headers = answer["headers"];
  std::string request_id = headers["Lambda-Runtime-Aws-Request-Id"];
  EXPECT_EQ(reply.headers["x-amzn-requestid"], request_id);
  EXPECT_EQ(headers["Lambda-Runtime-Invoked-Function-Arn"],
            "arn:aws:lambda:us-east-1:000000000000:function:rungs");
  long long deadline = std::stoll(headers["Lambda-Runtime-Deadline-Ms"].get<std::string>());
  long long expected = std::chrono::duration_cast<std::chrono::milliseconds>(
                           (before + std::chrono::seconds(10)).time_since_epoch())
                           .count();
  EXPECT_NEAR(static_cast<double>(deadline), static_cast<double>(expected), 3000);
  EXPECT_EQ(headers["Lambda-Runtime-Trace-Id"].get<std::string>().rfind("Root=1-", 0), 0u);

  std::string log = Base64Decode(reply.headers["x-amz-log-result"]).value_or("");
  EXPECT_NE(log.find("START RequestId: " + request_id + " Version: $LATEST\n"), std::string::npos)
      << log;
  EXPECT_NE(log.find("handling " + request_id + "\n"), std::string::npos) << log;
  std::smatch report;
  ASSERT_TRUE(std::regex_search(
      log, report,
      std::regex("REPORT RequestId: " + request_id +
                 "\tDuration: ([0-9]+\\.[0-9]{2}) ms\tBilled Duration: ([0-9]+) ms\t"
                 "Memory Size: 1024 MB\tMax Memory Used: ([0-9]+) MB\t"
                 "Init Duration: [0-9]+\\.[0-9]{2} ms\t\n$")))
      << log;
  EXPECT_GT(std::stoi(report[3]), 0);  // a Python process uses some memory

  // A warm invocation reports no Init Duration.
  Reply warm = Invoke(emulator->url(), "{}");
  std::string warm_log = Base64Decode(warm.headers["x-amz-log-result"]).value_or("");
  EXPECT_EQ(warm_log.find("Init Duration"), std::string::npos) << warm_log;
  EXPECT_EQ(warm.Json()["pid"], answer["pid"]);
}

TEST(Emulator, UnknownFunctionsAndVersionsAreNotFound) {
  auto emulator = StartOrDie(ScriptOptions(1));
  ASSERT_TRUE(emulator);
  Reply unknown = Invoke(emulator->url(), "{}", "other");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.headers["x-amzn-errortype"], "ResourceNotFoundException");
  EXPECT_EQ(unknown.Json()["Message"],
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:other");
  EXPECT_EQ(Invoke(emulator->url(), "{}", "rungs:7").status, 404);
  EXPECT_EQ(Invoke(emulator->url(), "{}", "rungs", "?Qualifier=7").status, 404);
  Reply alias = Invoke(emulator->url(), "{}", "rungs", "?Qualifier=live");
  EXPECT_EQ(alias.status, 200) << alias.body;
  EXPECT_EQ(alias.Json()["headers"]["Lambda-Runtime-Invoked-Function-Arn"],
            "arn:aws:lambda:us-east-1:000000000000:function:rungs:live");
  EXPECT_EQ(Invoke(emulator->url(), "{}", "arn:aws:lambda:us-east-1:000000000000:function:rungs")
                .status,
            200);
}

TEST(Emulator, RefusesUnsignedInvocations) {
  auto emulator = StartOrDie(ScriptOptions(1));
  ASSERT_TRUE(emulator);
  Reply reply = Invoke(emulator->url(), "{}", "rungs", "", false);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
  EXPECT_EQ(emulator->stats().invocations, 0);
}

TEST(Emulator, EightInstancesAnswerEightInvocationsAtOnce) {
  auto emulator = StartOrDie(ScriptOptions(8));
  ASSERT_TRUE(emulator);
  // Each invocation holds its instance until all eight have met, so none can
  // reuse an instance another finished with, however slowly the callers start.
  // Run one after another, the first would wait out its 10 s alone.
  const std::string folder = testing::FreshDir().string();
  std::string payload = json{{"meet", {folder, 8}}}.dump();
  std::vector<Reply> replies(8);
  std::vector<std::thread> callers;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&, i] { replies[i] = Invoke(emulator->url(), payload); });
  }
  for (auto& caller : callers) caller.join();
  double seconds = SecondsSince(start);
  std::set<int> pids;
  for (const Reply& reply : replies) {
    ASSERT_EQ(reply.status, 200) << reply.body;
    pids.insert(reply.Json()["pid"].get<int>());
  }
  EXPECT_EQ(pids.size(), 8u);  // one instance each
  EXPECT_LT(seconds, 9.0);     // they met: not one after another
  std::filesystem::remove_all(folder);
}

TEST(Emulator, ThrottlesBeyondTheConcurrencyLimit) {
  auto emulator = StartOrDie(ScriptOptions(2));
  ASSERT_TRUE(emulator);
  std::vector<Reply> replies(2);
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&, i] { replies[i] = Invoke(emulator->url(), R"({"sleep":1.5})"); });
  }
  // Both admitted (each holds its instance 1.5 s from then): the third finds none free.
  auto start = std::chrono::steady_clock::now();
  while (emulator->stats().invocations < 2 && SecondsSince(start) < 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Reply third = Invoke(emulator->url(), "{}");
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(third.headers["retry-after"], "1");
  EXPECT_EQ(third.headers["x-amzn-errortype"], "TooManyRequestsException");
  EXPECT_EQ(third.Json()["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded");
  for (const Reply& reply : replies) EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(emulator->stats().throttled, 1);
  EXPECT_EQ(Invoke(emulator->url(), "{}").status, 200);  // free again
}

TEST(Emulator, FunctionErrorsAreUnhandledWith200) {
  auto emulator = StartOrDie(ScriptOptions(1));
  ASSERT_TRUE(emulator);
  Reply reply = Invoke(emulator->url(), R"({"error":"boom"})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(reply.Json()["errorType"], "HandlerError");
  EXPECT_EQ(reply.Json()["errorMessage"], "boom");
}

TEST(Emulator, TimeoutKillsTheInstanceAndStartsItAgain) {
  EmulatorOptions options = ScriptOptions(1);
  options.timeout_seconds = 1;
  auto emulator = StartOrDie(options);
  ASSERT_TRUE(emulator);
  int first_pid = Invoke(emulator->url(), "{}").Json()["pid"];
  auto start = std::chrono::steady_clock::now();
  Reply reply = Invoke(emulator->url(), R"({"sleep":30})");
  EXPECT_LT(SecondsSince(start), 15);  // answered at the deadline, not after the sleep
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["x-amz-function-error"], "Unhandled");
  std::string request_id = reply.headers["x-amzn-requestid"];
  EXPECT_EQ(reply.Json()["errorType"], "Sandbox.Timedout");
  EXPECT_EQ(reply.Json()["errorMessage"],
            "RequestId: " + request_id + " Error: Task timed out after 1.00 seconds");
  std::string log = Base64Decode(reply.headers["x-amz-log-result"]).value_or("");
  EXPECT_NE(log.find("\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\t"), std::string::npos)
      << log;
  EXPECT_NE(log.find("Status: timeout"), std::string::npos) << log;

  Reply after = Invoke(emulator->url(), "{}");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.Json()["pid"].get<int>(), first_pid);
  EmulatorStats stats = emulator->stats();
  EXPECT_EQ(stats.timeouts, 1);
  EXPECT_EQ(stats.starts, 2);
}

TEST(Emulator, CrashIsAnExitErrorAndTheInstanceStartsAgain) {
  auto emulator = StartOrDie(ScriptOptions(1));
  ASSERT_TRUE(emulator);
  Reply reply = Invoke(emulator->url(), R"({"crash":3})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(reply.Json()["errorType"], "Runtime.ExitError");
  EXPECT_EQ(reply.Json()["errorMessage"], "RequestId: " + reply.headers["x-amzn-requestid"] +
                                              " Error: Runtime exited with error: exit status 3");
  EXPECT_EQ(Invoke(emulator->url(), "{}").status, 200);
  EmulatorStats stats = emulator->stats();
  EXPECT_EQ(stats.crashes, 1);
  EXPECT_EQ(stats.starts, 2);
}

TEST(Emulator, InitErrorsRestartTheInstanceAndNobodyAnswersInTime) {
  EmulatorOptions options = ScriptOptions(1);
  options.environment = {"FAIL_INIT=1"};
  options.timeout_seconds = 1.5;
  auto emulator = StartOrDie(options);
  ASSERT_TRUE(emulator);
  Reply reply = Invoke(emulator->url(), "{}");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Json()["errorType"], "Sandbox.Timedout");
  // Started again (after 1 s) following its init error.
  auto start = std::chrono::steady_clock::now();
  while (emulator->stats().starts < 2 && SecondsSince(start) < 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(emulator->stats().starts, 2);
}

TEST(Emulator, FaultsComeAtTheirRatesAndAsLambdaShowsThem) {
  EmulatorOptions options = ScriptOptions(4);
  options.faults = {0.1, 0.1, 0.1, 0.1, 0.1};
  options.seed = 11;
  auto emulator = StartOrDie(options);
  ASSERT_TRUE(emulator);
  std::map<std::string, int> seen;
  std::mutex seen_mutex;
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        std::string kind = Kind(Invoke(emulator->url(), "{}"));
        std::lock_guard<std::mutex> lock(seen_mutex);
        ++seen[kind];
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EmulatorStats stats = emulator->stats();
  EXPECT_EQ(stats.invocations, 100);
  EXPECT_EQ(seen["throttle"], stats.faults[static_cast<size_t>(Fault::kThrottle)]);
  EXPECT_EQ(seen["server-error"], stats.faults[static_cast<size_t>(Fault::kServerError)]);
  EXPECT_EQ(seen["Rungs.InjectedFault"], stats.faults[static_cast<size_t>(Fault::kFunctionError)]);
  EXPECT_EQ(seen["Sandbox.Timedout"], stats.faults[static_cast<size_t>(Fault::kTimeout)]);
  EXPECT_EQ(seen["drop"], stats.faults[static_cast<size_t>(Fault::kDrop)]);
  for (const char* kind : {"throttle", "server-error", "Rungs.InjectedFault", "Sandbox.Timedout",
                           "drop"}) {
    EXPECT_GE(seen[kind], 3) << kind;  // 10 expected of each
    EXPECT_LE(seen[kind], 20) << kind;
  }
  int total = 0;
  for (const auto& [kind, count] : seen) {
    EXPECT_TRUE(kind.rfind("unexpected", 0) != 0) << kind;
    total += count;
  }
  EXPECT_EQ(total, 100);
  EXPECT_EQ(seen["ok"] + seen["drop"], stats.answered);  // a dropped job did run
}

TEST(Emulator, TheSameSeedInjectsTheSameFaultsInTheSameOrder) {
  auto kinds = [](uint64_t seed) {
    EmulatorOptions options = ScriptOptions(1);
    options.faults = {0.15, 0.15, 0.15, 0.1, 0.15};
    options.seed = seed;
    auto emulator = StartOrDie(options);
    std::vector<std::string> seen;
    // One at a time, so the draws come in the order of the invocations.
    for (int i = 0; emulator && i < 20; ++i) seen.push_back(Kind(Invoke(emulator->url(), "{}")));
    return seen;
  };
  std::vector<std::string> first = kinds(5);
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(kinds(5), first);
  EXPECT_NE(kinds(6), first);
  EXPECT_NE(std::count(first.begin(), first.end(), "ok"), 20);
}

TEST(Emulator, StartRefusesBadOptionsByName) {
  EmulatorOptions options = ScriptOptions(1);
  options.command = {"/no/such/program"};
  Result<std::unique_ptr<Emulator>> missing = Emulator::Start(options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("/no/such/program"), std::string::npos) << missing.message();

  options = ScriptOptions(0);
  Result<std::unique_ptr<Emulator>> none = Emulator::Start(options);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("--instances"), std::string::npos) << none.message();

  options = ScriptOptions(1);
  options.timeout_seconds = 901;
  EXPECT_FALSE(Emulator::Start(options).ok());
}

}  // namespace
}  // namespace rungs::emulate
