#include "emulate/request_checks.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rungs::emulate {
namespace {

using nlohmann::json;

const char* kSigned =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/lambda/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// A request that passes every check, for the tests to spoil one part of.
InvokeRequest Good(const std::string& function = "rungs") {
  InvokeRequest request;
  request.function = function;
  request.authorization = kSigned;
  request.has_date = true;
  request.payload_bytes = 2;
  return request;
}

InvokeCheck Check(const InvokeRequest& request) {
  return CheckInvoke(request, "rungs", "us-east-1");
}

TEST(CheckInvoke, PassesASignedRequestAndNamesItsTargetAndScope) {
  InvokeCheck check = Check(Good());
  EXPECT_FALSE(check.refused);
  EXPECT_EQ(check.arn, "arn:aws:lambda:us-east-1:000000000000:function:rungs");
  EXPECT_EQ(check.scope, "AKIDEXAMPLE/20261128/us-east-1/lambda");
}

TEST(CheckInvoke, AcceptsEverySpellingOfTheFunction) {
  for (const char* name :
       {"rungs", "rungs:$LATEST", "rungs:live", "000000000000:function:rungs",
        "arn:aws:lambda:us-east-1:000000000000:function:rungs",
        "arn:aws:lambda:us-east-1:000000000000:function:rungs:live"}) {
    InvokeCheck check = Check(Good(name));
    EXPECT_FALSE(check.refused) << name << ": " << check.refused->body;
  }
  InvokeRequest alias = Good();
  alias.query_qualifier = "live";
  EXPECT_EQ(Check(alias).arn, "arn:aws:lambda:us-east-1:000000000000:function:rungs:live");
  EXPECT_EQ(Check(Good("rungs:live")).arn, Check(alias).arn);
}

TEST(CheckInvoke, AnotherFunctionOrAVersionIsNotFound) {
  InvokeCheck other = Check(Good("other"));
  ASSERT_TRUE(other.refused);
  EXPECT_EQ(other.refused->status, 404);
  EXPECT_EQ(other.refused->type, "ResourceNotFoundException");
  EXPECT_EQ(json::parse(other.refused->body),
            json({{"Type", "User"},
                  {"Message",
                   "Function not found: arn:aws:lambda:us-east-1:000000000000:function:other"}}));

  InvokeCheck version = Check(Good("rungs:7"));
  ASSERT_TRUE(version.refused);
  EXPECT_EQ(version.refused->status, 404);
  EXPECT_EQ(version.refused->message,
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:rungs:7");

  InvokeRequest query_version = Good();
  query_version.query_qualifier = "7";
  ASSERT_TRUE(Check(query_version).refused);
  EXPECT_EQ(Check(query_version).refused->status, 404);

  // Too many parts name nothing.
  InvokeCheck garbled = Check(Good("rungs:a:b"));
  ASSERT_TRUE(garbled.refused);
  EXPECT_EQ(garbled.refused->status, 404);
}

TEST(CheckInvoke, QualifiersInPathAndQueryMustAgree) {
  InvokeRequest request = Good("rungs:live");
  request.query_qualifier = "blue";
  InvokeCheck check = Check(request);
  ASSERT_TRUE(check.refused);
  EXPECT_EQ(check.refused->status, 400);
  EXPECT_EQ(check.refused->type, "InvalidParameterValueException");
  // Checked before the function: even another function's request gets a 400.
  request.function = "other:live";
  ASSERT_TRUE(Check(request).refused);
  EXPECT_EQ(Check(request).refused->status, 400);
}

TEST(CheckInvoke, RefusesMissingOrMisshapenSignatures) {
  InvokeRequest unsigned_request = Good();
  unsigned_request.authorization.reset();
  InvokeCheck missing = Check(unsigned_request);
  ASSERT_TRUE(missing.refused);
  EXPECT_EQ(missing.refused->status, 403);
  EXPECT_EQ(missing.refused->type, "MissingAuthenticationTokenException");
  EXPECT_EQ(json::parse(missing.refused->body),
            json({{"message", "Missing Authentication Token"}}));

  InvokeRequest basic = Good();
  basic.authorization = "Basic dXNlcjpwYXNz";
  ASSERT_TRUE(Check(basic).refused);
  EXPECT_EQ(Check(basic).refused->type, "IncompleteSignatureException");

  InvokeRequest undated = Good();
  undated.has_date = false;
  ASSERT_TRUE(Check(undated).refused);
  EXPECT_EQ(Check(undated).refused->message, "X-Amz-Date header is missing");
}

TEST(CheckInvoke, TheCredentialScopeMustNameTheRegionAndLambda) {
  InvokeRequest elsewhere = Good();
  elsewhere.authorization =
      std::string(kSigned).replace(std::string(kSigned).find("us-east-1"), 9, "eu-west-1");
  InvokeCheck region = Check(elsewhere);
  ASSERT_TRUE(region.refused);
  EXPECT_EQ(region.refused->status, 403);
  EXPECT_EQ(region.refused->message,
            "Credential should be scoped to a valid region, 'us-east-1', not 'eu-west-1'");

  InvokeRequest s3 = Good();
  s3.authorization = std::string(kSigned).replace(std::string(kSigned).find("/lambda/"), 8, "/s3/");
  ASSERT_TRUE(Check(s3).refused);
  EXPECT_EQ(Check(s3).refused->message,
            "Credential should be scoped to correct service: 'lambda', not 's3'");
}

TEST(CheckInvoke, ServesRequestResponseOnly) {
  InvokeRequest event = Good();
  event.invocation_type = "Event";
  InvokeCheck check = Check(event);
  ASSERT_TRUE(check.refused);
  EXPECT_EQ(check.refused->status, 400);
  EXPECT_NE(check.refused->message.find("'Event'"), std::string::npos) << check.refused->message;
  event.invocation_type = "RequestResponse";
  EXPECT_FALSE(Check(event).refused);
}

TEST(CheckInvoke, RefusesPayloadsOverSixMegabytes) {
  InvokeRequest big = Good();
  big.payload_bytes = kMaxPayload;
  EXPECT_FALSE(Check(big).refused);
  big.payload_bytes = kMaxPayload + 1;
  InvokeCheck check = Check(big);
  ASSERT_TRUE(check.refused);
  EXPECT_EQ(check.refused->status, 413);
  EXPECT_EQ(check.refused->type, "RequestTooLargeException");
  // The signature is checked first: an unsigned big request is a 403.
  big.authorization.reset();
  EXPECT_EQ(Check(big).refused->status, 403);
}

TEST(CheckRuntime, AnInstanceHoldingAnInvocationMayNotAskForAnother) {
  EXPECT_FALSE(CheckNext(""));
  std::optional<ErrorAnswer> busy = CheckNext("r-1");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 400);
  EXPECT_EQ(json::parse(busy->body),
            json({{"errorType", "InvalidStateTransition"},
                  {"errorMessage", "invocation r-1 has not been answered yet"}}));
}

TEST(CheckRuntime, AnAnswerMustBeForTheInvocationHeld) {
  EXPECT_FALSE(CheckAnswerId("r-1", "r-1"));
  for (const char* held : {"", "r-2"}) {
    std::optional<ErrorAnswer> wrong = CheckAnswerId("r-1", held);
    ASSERT_TRUE(wrong) << held;
    EXPECT_EQ(wrong->status, 400);
    EXPECT_EQ(wrong->type, "InvalidRequestID");
  }
}

TEST(CheckRuntime, AnAnswerOverSixMegabytesIsRefused) {
  EXPECT_FALSE(CheckAnswerSize(kMaxPayload));
  std::optional<ErrorAnswer> big = CheckAnswerSize(kMaxPayload + 1);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(big->message,
            "Response payload size exceeded maximum allowed payload size (6291456 bytes).");
}

}  // namespace
}  // namespace rungs::emulate
