// The supervisor with real instance processes: shells that never speak
// HTTP, for which each test plays the Runtime API by calling Next and
// PostAnswer itself. An instance writes its pid to a FIFO as it starts, so a
// test waits for a start by reading the FIFO, not by sleeping.
#include "emulate/supervisor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "emulate/request_checks.h"
#include "testing/temp_dir.h"

namespace rungs::emulate {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs an invocation on a thread of its own, as the Invoke API would. If the
// test ends before Result (a failed assertion), the supervisor is stopped so
// that the thread ends and the test fails instead of aborting.
class Caller {
 public:
  Caller(Supervisor& supervisor, RunRequest request)
      : supervisor_(supervisor),
        thread_([this, request] { result_ = supervisor_.Run(request); }) {}
  ~Caller() {
    if (!thread_.joinable()) return;
    supervisor_.Stop();
    thread_.join();
  }
  // Waits for Run to return.
  RunResult Result() {
    thread_.join();
    return result_;
  }

 private:
  Supervisor& supervisor_;
  RunResult result_;
  std::thread thread_;  // last: starts once the rest is ready
};

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    started_ = dir_ / "started";
    ASSERT_EQ(mkfifo(started_.c_str(), 0600), 0);
  }

  // One instance (so that starts come one at a time) that announces its
  // pid, then sleeps until it is killed.
  EmulatorOptions Options(double timeout_seconds = 30) {
    EmulatorOptions options;
    options.instances = 1;
    options.timeout_seconds = timeout_seconds;
    options.command = {"/bin/sh", "-c", "echo $$ > \"$STARTED\"; exec sleep 600"};
    options.environment = {"STARTED=" + started_.string()};
    options.task_root = dir_;
    options.quiet = true;
    return options;
  }

  // Waits for the next instance process to start and returns its pid; 0
  // when none announces itself within a minute.
  pid_t NextStart() {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    std::string text;
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < give_up) {
      // Opened anew after an end of file: that was the previous instance
      // closing the FIFO late, and the next one writes to a new opening.
      int fd = open(started_.c_str(), O_RDONLY | O_NONBLOCK);
      if (fd < 0) return 0;
      pollfd ready{fd, POLLIN, 0};
      while (text.find('\n') == std::string::npos && poll(&ready, 1, 1000) >= 0 &&
             std::chrono::steady_clock::now() < give_up) {
        if (ready.revents == 0) continue;  // nothing yet
        char buffer[64];
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got <= 0) break;
        text.append(buffer, static_cast<size_t>(got));
      }
      close(fd);
    }
    return text.find('\n') == std::string::npos ? 0 : std::stoi(text);
  }

  static RunRequest Request(const std::string& id, RunLimits limits = LimitsFor(Fault::kNone, 30)) {
    return {id, R"({"n":1})", "arn:aws:lambda:us-east-1:000000000000:function:rungs", limits};
  }

  static bool Gone(pid_t pid) { return kill(pid, 0) == -1 && errno == ESRCH; }

  fs::path dir_;
  fs::path started_;
};

TEST_F(SupervisorTest, HandsAQueuedInvocationToTheInstanceThatAsks) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  ASSERT_GT(NextStart(), 0);

  Caller caller(supervisor, Request("r-1"));
  NextInvocation next = supervisor.Next(0);
  ASSERT_FALSE(next.refused) << next.refused->body;
  EXPECT_EQ(next.id, "r-1");
  EXPECT_EQ(next.payload, R"({"n":1})");
  EXPECT_EQ(next.arn, "arn:aws:lambda:us-east-1:000000000000:function:rungs");
  EXPECT_EQ(supervisor.stats().ready, 1);
  EXPECT_FALSE(supervisor.PostAnswer(0, "r-1", R"({"ok":true})", false));
  RunResult cold = caller.Result();
  EXPECT_EQ(cold.outcome, RunOutcome::kAnswered);
  EXPECT_FALSE(cold.answer.function_error);
  EXPECT_EQ(cold.answer.body, R"({"ok":true})");
  EXPECT_TRUE(std::regex_match(
      cold.answer.log,
      std::regex("START RequestId: r-1 Version: \\$LATEST\nEND RequestId: r-1\n"
                 "REPORT RequestId: r-1\tDuration: [0-9.]+ ms\tBilled Duration: [0-9]+ ms\t"
                 "Memory Size: 2048 MB\tMax Memory Used: [0-9]+ MB\t"
                 "Init Duration: [0-9.]+ ms\t\n")))
      << cold.answer.log;

  // The same instance, warm: no Init Duration; a function error this time.
  Caller second(supervisor, Request("r-2"));
  ASSERT_EQ(supervisor.Next(0).id, "r-2");
  EXPECT_FALSE(supervisor.PostAnswer(0, "r-2", R"({"errorType":"E"})", true));
  RunResult warm = second.Result();
  EXPECT_EQ(warm.outcome, RunOutcome::kAnswered);
  EXPECT_TRUE(warm.answer.function_error);
  EXPECT_EQ(warm.answer.log.find("Init Duration"), std::string::npos) << warm.answer.log;
  EXPECT_EQ(supervisor.stats().starts, 1);
}

TEST_F(SupervisorTest, AnInstanceHoldsOneInvocationAndAnswersOnlyThatOne) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  Caller caller(supervisor, Request("r-1"));
  ASSERT_EQ(supervisor.Next(0).id, "r-1");

  NextInvocation again = supervisor.Next(0);
  ASSERT_TRUE(again.refused);
  EXPECT_EQ(again.refused->type, "InvalidStateTransition");
  std::optional<ErrorAnswer> wrong = supervisor.PostAnswer(0, "r-2", "{}", false);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->type, "InvalidRequestID");

  std::optional<ErrorAnswer> too_large =
      supervisor.PostAnswer(0, "r-1", std::string(kMaxPayload + 1, 'x'), false);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  RunResult result = caller.Result();
  EXPECT_EQ(result.outcome, RunOutcome::kAnswered);
  EXPECT_TRUE(result.answer.function_error);
  EXPECT_EQ(json::parse(result.answer.body)["errorType"], "Function.ResponseSizeTooLarge");
  EXPECT_EQ(json::parse(result.answer.body)["errorMessage"], too_large->message);
}

TEST_F(SupervisorTest, KillsAnInstancePastItsDeadlineAndStartsAnother) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  pid_t first = NextStart();
  ASSERT_GT(first, 0);
  Caller caller(supervisor, Request("r-1", {std::chrono::milliseconds(500), false}));
  ASSERT_EQ(supervisor.Next(0).id, "r-1");
  RunResult result = caller.Result();  // at the deadline: nobody answers
  EXPECT_EQ(result.outcome, RunOutcome::kTimedOut);
  EXPECT_TRUE(result.answer.function_error);
  // Worded, and billed, as the function timeout.
  EXPECT_EQ(json::parse(result.answer.body),
            json({{"errorType", "Sandbox.Timedout"},
                  {"errorMessage", "RequestId: r-1 Error: Task timed out after 30.00 seconds"}}));
  EXPECT_NE(result.answer.log.find("\tDuration: 30000.00 ms\t"), std::string::npos)
      << result.answer.log;
  EXPECT_NE(result.answer.log.find("Status: timeout"), std::string::npos) << result.answer.log;

  pid_t second = NextStart();
  EXPECT_GT(second, 0);
  EXPECT_NE(second, first);
  EXPECT_TRUE(Gone(first));
  EXPECT_EQ(supervisor.stats().starts, 2);
  EXPECT_EQ(supervisor.stats().crashes, 0);
}

TEST_F(SupervisorTest, AnInstanceThatDiesHoldingAnInvocationAnswersExitError) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  pid_t first = NextStart();
  ASSERT_GT(first, 0);
  Caller caller(supervisor, Request("r-1"));
  ASSERT_EQ(supervisor.Next(0).id, "r-1");
  ASSERT_EQ(kill(first, SIGKILL), 0);
  RunResult result = caller.Result();
  EXPECT_EQ(result.outcome, RunOutcome::kAnswered);
  EXPECT_TRUE(result.answer.function_error);
  EXPECT_EQ(json::parse(result.answer.body),
            json({{"errorType", "Runtime.ExitError"},
                  {"errorMessage",
                   "RequestId: r-1 Error: Runtime exited with error: signal: killed"}}));
  EXPECT_GT(NextStart(), 0);  // started again
  SupervisorStats stats = supervisor.stats();
  EXPECT_EQ(stats.crashes, 1);
  EXPECT_EQ(stats.starts, 2);
}

TEST_F(SupervisorTest, AnInvocationNoInstanceTakesTimesOut) {
  Supervisor supervisor(Options(0.3));
  supervisor.Start({9001});
  RunResult result = supervisor.Run(Request("r-1"));  // nobody asks for it
  EXPECT_EQ(result.outcome, RunOutcome::kNotTaken);
  EXPECT_EQ(json::parse(result.answer.body)["errorType"], "Sandbox.Timedout");
  EXPECT_EQ(result.answer.log.rfind("START RequestId: r-1 Version: $LATEST\nEND RequestId: r-1\n",
                                    0),
            0u)
      << result.answer.log;
  EXPECT_NE(result.answer.log.find("\tDuration: 300.00 ms\t"), std::string::npos)
      << result.answer.log;
}

TEST_F(SupervisorTest, ADiscardedAnswerDoesNotCount) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  Caller caller(supervisor, Request("r-1", LimitsFor(Fault::kTimeout, 30)));
  ASSERT_EQ(supervisor.Next(0).id, "r-1");
  // Held until the deadline, then refused as too late (or, had the deadline
  // passed before it was posted, refused as an answer to nothing held).
  std::optional<ErrorAnswer> refused = supervisor.PostAnswer(0, "r-1", R"({"ok":true})", false);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->status == 410 || refused->type == "InvalidRequestID") << refused->body;
  RunResult result = caller.Result();
  EXPECT_EQ(result.outcome, RunOutcome::kTimedOut);
  EXPECT_EQ(json::parse(result.answer.body)["errorMessage"],
            "RequestId: r-1 Error: Task timed out after 30.00 seconds");
}

TEST_F(SupervisorTest, AnInitErrorKillsTheInstanceAndStartsAnother) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  pid_t first = NextStart();
  ASSERT_GT(first, 0);
  supervisor.PostInitError(0, R"({"errorType":"Runtime.InitError"})");
  pid_t second = NextStart();
  EXPECT_GT(second, 0);
  EXPECT_NE(second, first);
  EXPECT_TRUE(Gone(first));
  EXPECT_EQ(supervisor.stats().starts, 2);
}

TEST_F(SupervisorTest, StopEndsAWaitingInvocationAndTheInstances) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  pid_t pid = NextStart();
  ASSERT_GT(pid, 0);
  Caller caller(supervisor, Request("r-1"));
  supervisor.Stop();
  EXPECT_EQ(caller.Result().outcome, RunOutcome::kStopped);
  EXPECT_TRUE(Gone(pid));
  EXPECT_EQ(supervisor.Run(Request("r-2")).outcome, RunOutcome::kStopped);
}

TEST_F(SupervisorTest, StopEndsALongPoll) {
  Supervisor supervisor(Options());
  supervisor.Start({9001});
  NextInvocation next;
  std::thread poller([&] { next = supervisor.Next(0); });  // nothing queued: waits
  supervisor.Stop();
  poller.join();
  ASSERT_TRUE(next.refused);
  EXPECT_EQ(next.refused->status, 500);
  EXPECT_EQ(next.refused->type, "Runtime.Unavailable");
}

TEST(InstanceEnvironment, LambdasVariablesReplaceTheCallersAndCredentialsPass) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDFROMCALLER", 1);
  setenv("AWS_REGION", "eu-west-1", 1);
  setenv("AWS_LAMBDA_FUNCTION_NAME", "callers", 1);
  setenv("RUNGS_NOT_PASSED", "1", 1);
  EmulatorOptions options;
  options.function_name = "fn";
  options.region = "us-east-2";
  options.memory_mb = 512;
  options.task_root = "/srv/task";
  options.environment = {"EXTRA=1"};
  std::vector<std::string> env = InstanceEnvironment(options, 3, 4567);
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_REGION");
  unsetenv("AWS_LAMBDA_FUNCTION_NAME");
  unsetenv("RUNGS_NOT_PASSED");

  std::map<std::string, std::string> vars;
  for (const std::string& variable : env) {
    size_t equals = variable.find('=');
    ASSERT_NE(equals, std::string::npos) << variable;
    EXPECT_TRUE(vars.emplace(variable.substr(0, equals), variable.substr(equals + 1)).second)
        << "set twice: " << variable;
  }
  EXPECT_EQ(vars["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:4567");
  EXPECT_EQ(vars["AWS_LAMBDA_FUNCTION_NAME"], "fn");
  EXPECT_EQ(vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "512");
  EXPECT_EQ(vars["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
  EXPECT_EQ(vars["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/fn");
  EXPECT_TRUE(std::regex_match(vars["AWS_LAMBDA_LOG_STREAM_NAME"],
                               std::regex(R"([0-9]{4}/[0-9]{2}/[0-9]{2}/\[\$LATEST\]instance3)")))
      << vars["AWS_LAMBDA_LOG_STREAM_NAME"];
  EXPECT_EQ(vars["AWS_REGION"], "us-east-2");
  EXPECT_EQ(vars["AWS_DEFAULT_REGION"], "us-east-2");
  EXPECT_EQ(vars["AWS_ACCESS_KEY_ID"], "AKIDFROMCALLER");
  EXPECT_EQ(vars["LAMBDA_TASK_ROOT"], "/srv/task");
  EXPECT_EQ(vars["_HANDLER"], "bootstrap");
  EXPECT_EQ(vars["TZ"], ":UTC");
  EXPECT_EQ(vars["EXTRA"], "1");
  EXPECT_EQ(vars.count("RUNGS_NOT_PASSED"), 0u);
  EXPECT_EQ(vars.count("PATH"), 1u);
}

}  // namespace
}  // namespace rungs::emulate
