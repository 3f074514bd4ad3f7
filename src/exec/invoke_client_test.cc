// The Invoke request the driver really sends, checked against aws4, an
// independent SigV4 signer (npm), and against the shape the Invoke API needs.
#include "exec/invoke_client.h"
#include "testing/aws4.h"
#include "testing/capture_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>


namespace rungs::exec {
namespace {

using ::testing::HasSubstr;

TEST(InvokeClient, SendsASignedInvokeThatAws4Verifies) {
  testing::CaptureServer server;
  ASSERT_TRUE(server.Start());
  InvokeTarget target;
  target.endpoint = server.Url();
  target.function = "rungs-worker";
  target.qualifier = "live";
  target.region = "eu-west-1";
  target.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIGtoken", "test"};
  InvokeClient client(target, 10, 4);
  const std::string body = R"({"v":2,"job":7,"config":{"lr":0.5}})";
  ASSERT_TRUE(client.Start(7, body).ok());
  std::vector<InvokeResponse> done;
  for (int i = 0; i < 100 && done.empty(); ++i) done = client.Poll(0.1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].transport, CURLE_OK) << done[0].transport_error;

  ASSERT_EQ(server.requests().size(), 1u);
  const testing::CapturedRequest sent = server.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/2015-03-31/functions/rungs-worker/invocations?Qualifier=live");
  EXPECT_EQ(sent.body, body);
  EXPECT_EQ(sent.Header("X-Amz-Log-Type"), "Tail");
  EXPECT_EQ(sent.Header("X-Amz-Security-Token"), target.credentials.session_token);
  EXPECT_THAT(sent.Header("Authorization"),
              HasSubstr("Credential=AKIDEXAMPLE/" + sent.Header("X-Amz-Date").substr(0, 8) +
                        "/eu-west-1/lambda/aws4_request"));
  EXPECT_EQ(sent.Header("Authorization"),
            testing::Aws4Authorization(sent, "lambda", "eu-west-1", target.credentials));
}

}  // namespace
}  // namespace rungs::exec
