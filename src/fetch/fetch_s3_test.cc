// fetch::Fetch("s3://...") end to end against a local S3 stand-in, found
// the way users point tools at one: AWS_ENDPOINT_URL_S3.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fetch/fetch.h"
#include "fetch/sha256.h"
#include "testing/archive.h"
#include "testing/aws_env.h"
#include "testing/capture_server.h"
#include "testing/fake_s3.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::fetch {
namespace {

using testing::FreshDir;
using testing::ReadFile;

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

const std::string kUri = "s3://rungs-data/news/train set.csv";
const std::string kTarget = "/rungs-data/news/train%20set.csv";

class FetchS3 : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s3_.Start());
    env_.Set("AWS_ACCESS_KEY_ID", "AKIDFETCH");
    env_.Set("AWS_SECRET_ACCESS_KEY", "secret");
    env_.Set("AWS_SESSION_TOKEN", "token");
    env_.Set("AWS_REGION", "eu-west-1");
    env_.Set("AWS_ENDPOINT_URL_S3", s3_.Endpoint());
    options_.cache_dir = cache_.string();
    options_.progress = ProgressMode::kNever;
  }

  testing::ScopedAwsEnv env_;
  testing::FakeS3 s3_{"AKIDFETCH"};
  fs::path cache_ = FreshDir("cache");
  FetchOptions options_;
};

TEST_F(FetchS3, DownloadsThenRevalidatesAndRefetchesAChangedObject) {
  s3_.Put(kTarget, "label,text\nv1\n");
  Result<std::string> first = Fetch(kUri, options_);
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(ReadFile(*first), "label,text\nv1\n");
  EXPECT_EQ(ReadFile(*first + ".etag"), "\"etag-1\"");
  auto written = fs::last_write_time(*first);

  // Unchanged: a conditional GET, a 304, and the same file untouched.
  Result<std::string> second = Fetch(kUri, options_);
  ASSERT_TRUE(second.ok()) << second.message();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(fs::last_write_time(*second), written);
  EXPECT_EQ(ReadFile(*second), "label,text\nv1\n");

  // Changed: the new object replaces the cached copy at once.
  s3_.Put(kTarget, "label,text\nv2, longer\n");
  Result<std::string> third = Fetch(kUri, options_);
  ASSERT_TRUE(third.ok()) << third.message();
  EXPECT_EQ(*third, *first);
  EXPECT_EQ(ReadFile(*third), "label,text\nv2, longer\n");
  EXPECT_EQ(ReadFile(*third + ".etag"), "\"etag-2\"");

  std::vector<testing::CapturedRequest> sent = s3_.requests();
  ASSERT_EQ(sent.size(), 3u);
  for (const testing::CapturedRequest& request : sent) {
    EXPECT_EQ(request.target, kTarget);
    EXPECT_THAT(request.Header("Authorization"), HasSubstr("/eu-west-1/s3/aws4_request"));
    EXPECT_EQ(request.Header("X-Amz-Security-Token"), "token");
  }
  EXPECT_EQ(sent[0].Header("If-None-Match"), "");
  EXPECT_EQ(sent[1].Header("If-None-Match"), "\"etag-1\"");
  EXPECT_EQ(sent[2].Header("If-None-Match"), "\"etag-1\"");
}

TEST_F(FetchS3, CachedCopyFailingTheDigestIsFetchedUnconditionally) {
  const std::string body = "label,text\nv1\n";
  s3_.Put(kTarget, body);
  options_.expected_sha256 = Sha256OfBytes(body);
  Result<std::string> first = Fetch(kUri, options_);
  ASSERT_TRUE(first.ok()) << first.message();
  std::ofstream(*first, std::ios::trunc) << "corrupted";
  Result<std::string> second = Fetch(kUri, options_);
  ASSERT_TRUE(second.ok()) << second.message();
  EXPECT_EQ(ReadFile(*second), body);
  ASSERT_EQ(s3_.requests().size(), 2u);
  EXPECT_EQ(s3_.requests()[1].Header("If-None-Match"), "");
}

TEST_F(FetchS3, DigestMismatchRemovesTheDownload) {
  s3_.Put(kTarget, "not what was expected");
  options_.expected_sha256 = std::string(64, 'a');
  Result<std::string> path = Fetch(kUri, options_);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), AllOf(HasSubstr(kUri), HasSubstr("SHA-256 mismatch")));
  EXPECT_TRUE(fs::is_empty(cache_ / "downloads"));
}

TEST_F(FetchS3, MissingObjectNamesUriAndS3Error) {
  Result<std::string> path = Fetch(kUri, options_);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), AllOf(HasSubstr(kUri), HasSubstr("404 NoSuchKey")));
  EXPECT_TRUE(fs::is_empty(cache_ / "downloads"));
}

TEST_F(FetchS3, NoRegionOrNoCredentialsSayWhatIsMissing) {
  unsetenv("AWS_REGION");
  Result<std::string> path = Fetch(kUri, options_);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), AllOf(HasSubstr(kUri), HasSubstr("no AWS region")));
  env_.Set("AWS_REGION", "eu-west-1");
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  path = Fetch(kUri, options_);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), AllOf(HasSubstr(kUri), HasSubstr("no AWS credentials")));
  EXPECT_TRUE(s3_.requests().empty());
}

TEST_F(FetchS3, BadUriIsRefusedByName) {
  Result<std::string> path = Fetch("s3://bucket-only", options_);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), AllOf(HasSubstr("'s3://bucket-only'"), HasSubstr("not an object")));
}

}  // namespace
}  // namespace rungs::fetch
