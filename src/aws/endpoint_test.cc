#include "aws/endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/aws_env.h"

namespace rungs::aws {
namespace {

using testing::ScopedAwsEnv;

using ::testing::HasSubstr;

TEST(ResolveRegion, FlagThenAwsRegionThenDefaultRegionThenConfig) {
  ScopedAwsEnv env;
  env.Write(".aws/config", "[default]\nregion = ap-south-1\n[profile dev]\nregion = eu-west-3\n");
  EXPECT_EQ(*ResolveRegion(""), "ap-south-1");
  env.Set("AWS_PROFILE", "dev");
  EXPECT_EQ(*ResolveRegion(""), "eu-west-3");
  env.Set("AWS_DEFAULT_REGION", "us-west-2");
  EXPECT_EQ(*ResolveRegion(""), "us-west-2");
  env.Set("AWS_REGION", "eu-central-1");
  EXPECT_EQ(*ResolveRegion(""), "eu-central-1");
  EXPECT_EQ(*ResolveRegion("us-east-2"), "us-east-2");
}

TEST(ResolveRegion, NoneIsAnErrorSayingWhatToSet) {
  ScopedAwsEnv env;
  Result<std::string> region = ResolveRegion("");
  ASSERT_FALSE(region.ok());
  EXPECT_THAT(region.message(), HasSubstr("--region"));
  EXPECT_THAT(region.message(), HasSubstr("AWS_REGION"));
}

TEST(ResolveRegion, RefusesNamesThatCannotBeInAHostName) {
  ScopedAwsEnv env;
  env.Set("AWS_REGION", "us-east-1.evil.com/");
  Result<std::string> region = ResolveRegion("");
  ASSERT_FALSE(region.ok());
  EXPECT_THAT(region.message(), HasSubstr("'us-east-1.evil.com/' (from AWS_REGION)"));
}

TEST(ResolveRegion, MalformedConfigNamesFileAndLine) {
  ScopedAwsEnv env;
  std::string path = env.Write(".aws/config", "[default]\nregion\n");
  Result<std::string> region = ResolveRegion("");
  ASSERT_FALSE(region.ok());
  EXPECT_THAT(region.message(), HasSubstr(path + ":2:"));
}

TEST(ResolveEndpoint, FlagThenServiceVariableThenGeneralThenAws) {
  ScopedAwsEnv env;
  EXPECT_EQ(ResolveEndpoint("", "lambda", "eu-west-1"), "https://lambda.eu-west-1.amazonaws.com");
  env.Set("AWS_ENDPOINT_URL", "http://localhost:4566/");
  EXPECT_EQ(ResolveEndpoint("", "lambda", "eu-west-1"), "http://localhost:4566");
  env.Set("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9001");
  EXPECT_EQ(ResolveEndpoint("", "lambda", "eu-west-1"), "http://127.0.0.1:9001");
  EXPECT_EQ(ResolveEndpoint("", "s3", "eu-west-1"), "http://localhost:4566");
  EXPECT_EQ(ResolveEndpoint("http://flag:1/", "lambda", "eu-west-1"), "http://flag:1");
}

TEST(ResolveEndpoint, ServiceNameBecomesTheVariableSuffix) {
  ScopedAwsEnv env;
  env.Set("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000");
  EXPECT_EQ(ResolveEndpoint("", "s3", "us-east-1"), "http://127.0.0.1:9000");
  EXPECT_EQ(ResolveEndpoint("", "lambda", "us-east-1"), "https://lambda.us-east-1.amazonaws.com");
}

TEST(DefaultEndpoint, ChinaRegionsUseTheirOwnDomain) {
  EXPECT_EQ(DefaultEndpoint("s3", "cn-north-1"), "https://s3.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(DefaultEndpoint("s3", "us-east-1"), "https://s3.us-east-1.amazonaws.com");
}

}  // namespace
}  // namespace rungs::aws
