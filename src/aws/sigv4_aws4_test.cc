// The requests rungs signs through libcurl (a Lambda Invoke and an S3 GET)
// verified against aws4, an independent SigV4 signer from npm: the captured
// request is re-signed by src/testing/aws4_verify.js and the Authorization
// headers must be equal.
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <strings.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "aws/s3.h"
#include "aws/sigv4.h"
#include "testing/aws4.h"
#include "testing/capture_server.h"
#include "testing/fake_s3.h"
#include "testing/temp_dir.h"

namespace rungs::aws {
namespace {

using testing::Aws4Authorization;
using testing::CaptureServer;
using testing::CapturedRequest;
using testing::FakeS3;

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const Credentials kSessionCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                               "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIGsession",
                               "test"};

// Sends a Lambda Invoke the way the issue prescribes (body through
// CURLOPT_POSTFIELDS, libcurl signing) to `server`, addressed to the real
// Lambda host name.
void Invoke(const CaptureServer& server, const Credentials& c, const std::string& body) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "X-Amz-Invocation-Type: RequestResponse");
  SignWithSigV4(curl, &headers, c, "us-east-1", "lambda");
  std::string connect_to =
      "lambda.us-east-1.amazonaws.com:80:127.0.0.1:" + std::to_string(server.port());
  curl_slist* connect = curl_slist_append(nullptr, connect_to.c_str());
  curl_easy_setopt(curl, CURLOPT_URL,
                   "http://lambda.us-east-1.amazonaws.com/2015-03-31/functions/rungs-worker/"
                   "invocations?Qualifier=live");
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect);
}

TEST(SigV4Aws4, LambdaInvokeWithSessionTokenVerifies) {
  CaptureServer server;
  ASSERT_TRUE(server.Start());
  Invoke(server, kSessionCredentials, R"({"job_id":"t7-r2","train":"s3://b/train.csv","lr":0.5})");
  ASSERT_EQ(server.requests().size(), 1u);
  CapturedRequest sent = server.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/2015-03-31/functions/rungs-worker/invocations?Qualifier=live");
  EXPECT_EQ(sent.Header("X-Amz-Security-Token"), kSessionCredentials.session_token);
  EXPECT_THAT(sent.Header("Authorization"),
              HasSubstr("SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type;"
                        "x-amz-security-token,"));
  EXPECT_EQ(sent.Header("Authorization"),
            Aws4Authorization(sent, "lambda", "us-east-1", kSessionCredentials));
}

TEST(SigV4Aws4, LongTermKeysSendNoToken) {
  CaptureServer server;
  ASSERT_TRUE(server.Start());
  Credentials keys = kSessionCredentials;
  keys.session_token.clear();
  Invoke(server, keys, "{}");
  ASSERT_EQ(server.requests().size(), 1u);
  CapturedRequest sent = server.requests()[0];
  EXPECT_EQ(sent.Header("X-Amz-Security-Token"), "");
  EXPECT_THAT(sent.Header("Authorization"), Not(HasSubstr("x-amz-security-token")));
  EXPECT_EQ(sent.Header("Authorization"), Aws4Authorization(sent, "lambda", "us-east-1", keys));
}

TEST(SigV4Aws4, AChangedBodyNoLongerVerifies) {
  CaptureServer server;
  ASSERT_TRUE(server.Start());
  Invoke(server, kSessionCredentials, R"({"lr":0.5})");
  ASSERT_EQ(server.requests().size(), 1u);
  CapturedRequest tampered = server.requests()[0];
  tampered.body = R"({"lr":0.6})";
  EXPECT_THAT(Aws4Authorization(tampered, "lambda", "us-east-1", kSessionCredentials),
              StartsWith("AWS4-HMAC-SHA256 Credential="));
  EXPECT_NE(tampered.Header("Authorization"),
            Aws4Authorization(tampered, "lambda", "us-east-1", kSessionCredentials));
}

TEST(SigV4Aws4, S3ConditionalGetOfAnEncodedKeyVerifies) {
  FakeS3 s3(kSessionCredentials.access_key_id);
  ASSERT_TRUE(s3.Start());
  s3.Put("/data-bucket/runs/20%20news%20%C3%A4%2B.csv", "label,text\n");
  fs::path path = testing::FreshDir() / "object";
  Result<S3GetResult> got =
      S3GetToFile({"data-bucket", "runs/20 news \xc3\xa4+.csv"}, path.string(), "\"etag-0\"",
                  kSessionCredentials, "eu-west-1", s3.Endpoint());
  ASSERT_TRUE(got.ok()) << got.message();
  ASSERT_EQ(s3.requests().size(), 1u);
  CapturedRequest sent = s3.requests()[0];
  EXPECT_EQ(sent.Header("If-None-Match"), "\"etag-0\"");
  EXPECT_EQ(sent.Header("Authorization"), Aws4Authorization(sent, "s3", "eu-west-1", kSessionCredentials));
}

}  // namespace
}  // namespace rungs::aws
