#include "emulate/lambda_text.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

namespace rungs::emulate {
namespace {

TEST(LambdaText, RequestIdsAreVersion4Uuids) {
  std::mt19937_64 rng(1);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = NewRequestId(rng);
    EXPECT_TRUE(std::regex_match(
        id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(LambdaText, TimeoutErrorIsLambdas) {
  nlohmann::json error = nlohmann::json::parse(TimeoutErrorJson("abc", 3));
  EXPECT_EQ(error["errorType"], "Sandbox.Timedout");
  EXPECT_EQ(error["errorMessage"], "RequestId: abc Error: Task timed out after 3.00 seconds");
}

TEST(LambdaText, ExitErrorNamesStatusOrSignal) {
  int exited = 3 << 8;  // as waitpid reports exit(3)
  ASSERT_TRUE(WIFEXITED(exited));
  EXPECT_EQ(DescribeExit(exited), "exit status 3");
  EXPECT_EQ(DescribeExit(SIGKILL), "signal: killed");
  nlohmann::json error = nlohmann::json::parse(ExitErrorJson("id1", DescribeExit(exited)));
  EXPECT_EQ(error["errorType"], "Runtime.ExitError");
  EXPECT_EQ(error["errorMessage"], "RequestId: id1 Error: Runtime exited with error: exit status 3");
}

TEST(LambdaText, ReportLineHasLambdasFields) {
  std::string line = ReportLine({"r-1", 1234.561, 2048, 57, -1, false});
  EXPECT_EQ(line,
            "REPORT RequestId: r-1\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\t"
            "Memory Size: 2048 MB\tMax Memory Used: 57 MB\t");
}

TEST(LambdaText, ColdAndTimedOutReportsBillInitAndSayTimeout) {
  std::string line = ReportLine({"r-2", 3000, 128, 73, 402.04, true});
  EXPECT_EQ(line,
            "REPORT RequestId: r-2\tDuration: 3000.00 ms\tBilled Duration: 3403 ms\t"
            "Memory Size: 128 MB\tMax Memory Used: 73 MB\tInit Duration: 402.04 ms\t"
            "Status: timeout");
}

TEST(LambdaText, LogTailIsBase64OfTheLast4KB) {
  EXPECT_EQ(LogTailBase64("hello"), "aGVsbG8=");
  std::string log(5000, 'a');
  log += "END";
  std::string encoded = LogTailBase64(log);
  EXPECT_EQ(encoded.size(), 4 * ((4096 + 2) / 3));
  EXPECT_EQ(encoded, LogTailBase64(log.substr(log.size() - 4096)));
  EXPECT_NE(encoded, LogTailBase64(log.substr(log.size() - 4095)));
}

TEST(LambdaText, ThrottleAndServiceErrorsAreLambdas) {
  ErrorAnswer throttle = TooManyRequestsAnswer();
  EXPECT_EQ(throttle.status, 429);
  EXPECT_EQ(throttle.type, "TooManyRequestsException");
  nlohmann::json body = nlohmann::json::parse(throttle.body);
  EXPECT_EQ(body["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_EQ(body["Type"], "User");
  EXPECT_EQ(body["message"], "Rate Exceeded.");

  ErrorAnswer service = ServiceErrorAnswer("The emulator is stopping.");
  EXPECT_EQ(service.status, 500);
  EXPECT_EQ(service.type, "ServiceException");
  EXPECT_EQ(service.body, R"({"Message":"The emulator is stopping.","Type":"Service"})");
}

TEST(LambdaText, RuntimeErrorsCarryTypeAndMessage) {
  ErrorAnswer error = RuntimeErrorAnswer(400, "InvalidRequestID", "no such id");
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.body, R"({"errorMessage":"no such id","errorType":"InvalidRequestID"})");
}

TEST(LambdaText, StartAndEndLinesNameTheRequest) {
  EXPECT_EQ(StartLine("r-3"), "START RequestId: r-3 Version: $LATEST");
  EXPECT_EQ(EndLine("r-3"), "END RequestId: r-3");
}

TEST(LambdaText, TraceHeaderHasXRayShape) {
  std::string header = TraceHeader("8476a536-e9f4-41e8-9739-2dfe598c3fcd", 0x5bef4de7);
  EXPECT_EQ(header, "Root=1-5bef4de7-8476a536e9f441e897392dfe;Parent=97392dfe598c3fcd;Sampled=0");
}

}  // namespace
}  // namespace rungs::emulate
