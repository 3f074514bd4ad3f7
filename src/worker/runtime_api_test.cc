#include "worker/runtime_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::worker {
namespace {

using ::testing::HasSubstr;

TEST(ParseInvocation, ReadsTheRuntimeHeadersInAnyCase) {
  Result<Invocation> invocation = ParseInvocation(
      "HTTP/1.1 200 OK\r\n"
      "lambda-runtime-aws-request-id:  8476a536-e9f4-11e8-9739-2dfe598c3fcd \r\n"
      "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"
      "LAMBDA-RUNTIME-TRACE-ID: Root=1-5bef4de7\r\n"
      "Content-Type: application/json\r\n"
      "\r\n",
      "{\"v\": 2}");
  ASSERT_TRUE(invocation.ok()) << invocation.message();
  EXPECT_EQ(invocation->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  EXPECT_EQ(invocation->deadline_ms, 1542409706888);
  EXPECT_EQ(invocation->trace_id, "Root=1-5bef4de7");
  EXPECT_EQ(invocation->body, "{\"v\": 2}");
}

TEST(ParseInvocation, ADeadlineThatIsNotAWholeNumberIsAbsent) {
  for (const char* deadline : {"soon", "12.5", "99999999999999999999", "-", ""}) {
    Result<Invocation> invocation = ParseInvocation(
        std::string("Lambda-Runtime-Aws-Request-Id: a\r\nLambda-Runtime-Deadline-Ms: ") +
            deadline + "\r\n",
        "");
    ASSERT_TRUE(invocation.ok()) << invocation.message();
    EXPECT_FALSE(invocation->deadline_ms.has_value()) << deadline;
  }
}

TEST(ParseInvocation, RefusesARequestIdThatCannotGoIntoAPath) {
  for (const char* headers : {"Content-Type: application/json\r\n",
                              "Lambda-Runtime-Aws-Request-Id: \r\n",
                              "Lambda-Runtime-Aws-Request-Id: ../../init/error\r\n",
                              "Lambda-Runtime-Aws-Request-Id: a b\r\n"}) {
    Result<Invocation> invocation = ParseInvocation(headers, "{}");
    ASSERT_FALSE(invocation.ok()) << headers;
    EXPECT_THAT(invocation.message(), HasSubstr("Lambda-Runtime-Aws-Request-Id"));
  }
}

}  // namespace
}  // namespace rungs::worker
