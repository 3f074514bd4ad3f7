#include "aws/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/aws_env.h"

namespace rungs::aws {
namespace {

using testing::ScopedAwsEnv;

using ::testing::AllOf;
using ::testing::HasSubstr;

const char* kCredentialsFile =
    "# keys\n"
    "[default]\n"
    "aws_access_key_id = AKIDDEFAULT\n"
    "aws_secret_access_key = secret/default+1\n"
    "\n"
    "[dev]\n"
    "aws_access_key_id=AKIDDEV\n"
    "  ; indented comment\n"
    "aws_secret_access_key: secretdev\n"
    "aws_session_token = tokendev\n";

TEST(LoadCredentials, EnvironmentWinsOverFiles) {
  ScopedAwsEnv env;
  env.Write(".aws/credentials", kCredentialsFile);
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.Set("AWS_SECRET_ACCESS_KEY", "secretenv");
  env.Set("AWS_SESSION_TOKEN", "tokenenv");
  Result<Credentials> c = LoadCredentials();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->secret_access_key, "secretenv");
  EXPECT_EQ(c->session_token, "tokenenv");
  EXPECT_EQ(c->source, "environment");
}

TEST(LoadCredentials, HalfTheEnvironmentPairIsAnError) {
  ScopedAwsEnv env;
  env.Write(".aws/credentials", kCredentialsFile);
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  Result<Credentials> c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), HasSubstr("AWS_SECRET_ACCESS_KEY is not"));
}

TEST(LoadCredentials, DefaultProfileOfTheCredentialsFile) {
  ScopedAwsEnv env;
  std::string path = env.Write(".aws/credentials", kCredentialsFile);
  Result<Credentials> c = LoadCredentials();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(c->secret_access_key, "secret/default+1");
  EXPECT_EQ(c->session_token, "");
  EXPECT_EQ(c->source, "profile 'default' in " + path);
}

TEST(LoadCredentials, AwsProfileSelectsTheSection) {
  ScopedAwsEnv env;
  env.Write(".aws/credentials", kCredentialsFile);
  env.Set("AWS_PROFILE", "dev");
  Result<Credentials> c = LoadCredentials();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->access_key_id, "AKIDDEV");
  EXPECT_EQ(c->secret_access_key, "secretdev");
  EXPECT_EQ(c->session_token, "tokendev");
}

TEST(LoadCredentials, ConfigFileUsesProfilePrefixedSections) {
  ScopedAwsEnv env;
  // "[dev]" in the config file is not profile dev; "[profile dev]" is.
  env.Write(".aws/config",
            "[dev]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n"
            "[profile  dev]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 20\n"
            "aws_access_key_id = AKIDCONFIG\naws_secret_access_key = secretconfig\n");
  env.Set("AWS_PROFILE", "dev");
  Result<Credentials> c = LoadCredentials();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->access_key_id, "AKIDCONFIG");
  EXPECT_EQ(c->secret_access_key, "secretconfig");
}

TEST(LoadCredentials, CredentialsFileWinsOverConfig) {
  ScopedAwsEnv env;
  env.Write(".aws/credentials", kCredentialsFile);
  env.Write(".aws/config",
            "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n");
  Result<Credentials> c = LoadCredentials();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
}

TEST(LoadCredentials, FilesNamedByTheEnvironment) {
  ScopedAwsEnv env;
  env.Write(".aws/credentials", kCredentialsFile);
  std::string other = env.Write("elsewhere/creds", "[default]\naws_access_key_id = AKIDOTHER\n"
                                                   "aws_secret_access_key = other\n");
  env.Set("AWS_SHARED_CREDENTIALS_FILE", other);
  Result<Credentials> c = LoadCredentials();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->access_key_id, "AKIDOTHER");
}

TEST(LoadCredentials, MissingSecretNamesFileLineAndKey) {
  ScopedAwsEnv env;
  std::string path =
      env.Write(".aws/credentials", "[other]\nx = 1\n\n[default]\naws_access_key_id = AKID\n");
  Result<Credentials> c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), AllOf(HasSubstr(path + ":4:"), HasSubstr("profile 'default'"),
                                 HasSubstr("no aws_secret_access_key")));
}

TEST(LoadCredentials, MalformedLineNamesFileAndLine) {
  ScopedAwsEnv env;
  std::string path = env.Write(".aws/credentials", "[default]\naws_access_key_id AKID\n");
  Result<Credentials> c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), AllOf(HasSubstr(path + ":2:"), HasSubstr("key = value")));
  EXPECT_THAT(c.message(), ::testing::Not(HasSubstr("AKID")));  // Lines may hold secrets.
}

TEST(LoadCredentials, UnclosedSectionAndSettingOutsideSection) {
  ScopedAwsEnv env;
  std::string path = env.Write(".aws/credentials", "[default\n");
  Result<Credentials> c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), AllOf(HasSubstr(path + ":1:"), HasSubstr("']'")));
  env.Write(".aws/credentials", "# top\nregion = us-east-1\n[default]\n");
  c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), AllOf(HasSubstr(path + ":2:"), HasSubstr("before any [section]")));
}

TEST(LoadCredentials, UnknownProfileIsNamed) {
  ScopedAwsEnv env;
  env.Write(".aws/credentials", kCredentialsFile);
  env.Set("AWS_PROFILE", "prod");
  Result<Credentials> c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), AllOf(HasSubstr("'prod'"), HasSubstr("AWS_PROFILE"),
                                 HasSubstr((env.home() / ".aws/credentials").string())));
}

TEST(LoadCredentials, NothingAnywhereSaysWhatToSet) {
  ScopedAwsEnv env;
  Result<Credentials> c = LoadCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.message(), AllOf(HasSubstr("AWS_ACCESS_KEY_ID"), HasSubstr("[default]")));
}

}  // namespace
}  // namespace rungs::aws
