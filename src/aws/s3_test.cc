#include "aws/s3.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/capture_server.h"
#include "testing/fake_s3.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::aws {
namespace {

using testing::CaptureServer;
using testing::CapturedRequest;
using testing::FakeS3;
using testing::FreshDir;
using testing::ReadFile;

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

const Credentials kCredentials{"AKIDTEST", "secret/test+key", "token-abc", "test"};

TEST(ParseS3Uri, SplitsBucketAndKeyLiterally) {
  Result<S3Location> where = ParseS3Uri("s3://my-data.v2/train/part 1?.csv");
  ASSERT_TRUE(where.ok()) << where.message();
  EXPECT_EQ(where->bucket, "my-data.v2");
  EXPECT_EQ(where->key, "train/part 1?.csv");
}

TEST(ParseS3Uri, ErrorsNameTheUriAndTheProblem) {
  struct Case {
    const char* uri;
    const char* problem;
  };
  for (Case c : {Case{"https://b/k", "expected s3://bucket/key"},
                 Case{"s3:///key", "no bucket"}, Case{"s3://bucket", "names a bucket"},
                 Case{"s3://bucket/", "names a bucket"}, Case{"s3://My_Bucket/k", "'My_Bucket'"},
                 Case{"s3://ab/k", "'ab'"}, Case{"s3://-abc/k", "'-abc'"}}) {
    Result<S3Location> where = ParseS3Uri(c.uri);
    ASSERT_FALSE(where.ok()) << c.uri;
    EXPECT_THAT(where.message(),
                AllOf(HasSubstr(std::string("'") + c.uri + "'"), HasSubstr(c.problem)));
  }
}

TEST(EncodeS3Key, EncodesEachSegmentKeepingSlashes) {
  EXPECT_EQ(EncodeS3Key("data/my file+\xc3\xa4~x_y-z.csv"), "data/my%20file%2B%C3%A4~x_y-z.csv");
  EXPECT_EQ(EncodeS3Key("a/./b?c=d#e"), "a/./b%3Fc%3Dd%23e");
}

TEST(S3ObjectUrl, VirtualHostedOnAwsPathStyleElsewhere) {
  S3Location where{"bucket", "dir/a b.csv"};
  EXPECT_EQ(S3ObjectUrl(where, "eu-west-1", "https://s3.eu-west-1.amazonaws.com"),
            "https://bucket.s3.eu-west-1.amazonaws.com/dir/a%20b.csv");
  EXPECT_EQ(S3ObjectUrl(where, "eu-west-1", "http://127.0.0.1:9000"),
            "http://127.0.0.1:9000/bucket/dir/a%20b.csv");
  // A dotted bucket cannot be a TLS host name label: path style on AWS too.
  EXPECT_EQ(S3ObjectUrl({"my.bucket", "k"}, "eu-west-1", "https://s3.eu-west-1.amazonaws.com"),
            "https://s3.eu-west-1.amazonaws.com/my.bucket/k");
}

class S3GetToFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(s3_.Start()); }

  Result<S3GetResult> Get(const std::string& etag) {
    return S3GetToFile(where_, path_.string(), etag, kCredentials, "us-east-1", s3_.Endpoint());
  }

  // Files left in the folder besides `path_` (partial downloads).
  int Leftovers() const {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) count += entry.path() != path_;
    return count;
  }

  FakeS3 s3_{kCredentials.access_key_id};
  S3Location where_{"data-bucket", "train/20 news.csv"};
  fs::path dir_ = FreshDir("get");
  fs::path path_ = dir_ / "train.csv";
};

TEST_F(S3GetToFileTest, SignedPathStyleGetWritesTheObject) {
  s3_.Put("/data-bucket/train/20%20news.csv", "label,text\nsci,hello\n");
  Result<S3GetResult> got = Get("");
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_FALSE(got->not_modified);
  EXPECT_EQ(got->etag, "\"etag-1\"");
  EXPECT_EQ(got->bytes, 21);
  EXPECT_EQ(ReadFile(path_), "label,text\nsci,hello\n");
  EXPECT_EQ(Leftovers(), 0);

  ASSERT_EQ(s3_.requests().size(), 1u);
  CapturedRequest sent = s3_.requests()[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.target, "/data-bucket/train/20%20news.csv");
  EXPECT_EQ(sent.Header("X-Amz-Content-Sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sent.Header("X-Amz-Security-Token"), "token-abc");
  EXPECT_EQ(sent.Header("If-None-Match"), "");
  EXPECT_THAT(sent.Header("Authorization"),
              AllOf(HasSubstr("Credential=AKIDTEST/"), HasSubstr("/us-east-1/s3/aws4_request"),
                    HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                              "x-amz-security-token,")));
}

TEST_F(S3GetToFileTest, MatchingEtagGets304AndLeavesTheFileAlone) {
  s3_.Put("/data-bucket/train/20%20news.csv", "new contents");
  std::ofstream(path_) << "cached copy";
  Result<S3GetResult> got = Get("\"etag-1\"");
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_TRUE(got->not_modified);
  EXPECT_EQ(got->etag, "\"etag-1\"");
  EXPECT_EQ(ReadFile(path_), "cached copy");
  EXPECT_EQ(Leftovers(), 0);
  ASSERT_EQ(s3_.requests().size(), 1u);
  EXPECT_EQ(s3_.requests()[0].Header("If-None-Match"), "\"etag-1\"");
  // The conditional header is signed too.
  EXPECT_THAT(s3_.requests()[0].Header("Authorization"),
              HasSubstr("SignedHeaders=host;if-none-match;"));
}

TEST_F(S3GetToFileTest, StaleEtagGetsTheNewObject) {
  s3_.Put("/data-bucket/train/20%20news.csv", "v1");
  s3_.Put("/data-bucket/train/20%20news.csv", "v2");
  std::ofstream(path_) << "v1";
  Result<S3GetResult> got = Get("\"etag-1\"");
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_FALSE(got->not_modified);
  EXPECT_EQ(got->etag, "\"etag-2\"");
  EXPECT_EQ(ReadFile(path_), "v2");
}

TEST_F(S3GetToFileTest, AccessDeniedNamesUriStatusCodeAndMessage) {
  s3_.Put("/data-bucket/train/20%20news.csv", "secret");
  Credentials wrong = kCredentials;
  wrong.access_key_id = "AKIDOTHER";
  Result<S3GetResult> got =
      S3GetToFile(where_, path_.string(), "", wrong, "us-east-1", s3_.Endpoint());
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.message(), AllOf(HasSubstr("s3://data-bucket/train/20 news.csv"),
                                   HasSubstr("HTTP status 403 AccessDenied: Access Denied")));
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_EQ(Leftovers(), 0);
}

TEST_F(S3GetToFileTest, MissingObjectIs404NoSuchKey) {
  Result<S3GetResult> got = Get("");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.message(),
              HasSubstr("HTTP status 404 NoSuchKey: The specified key does not exist."));
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_EQ(Leftovers(), 0);
}

TEST(S3GetToFile, BucketInAnotherRegionSaysWhichRegion) {
  CaptureServer server([](const CapturedRequest&, httplib::Response& response) {
    response.status = 301;
    response.set_header("x-amz-bucket-region", "ap-southeast-2");
    response.set_content(
        "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access "
        "must be addressed using the specified endpoint.</Message></Error>",
        "application/xml");
  });
  ASSERT_TRUE(server.Start());
  fs::path path = FreshDir("region") / "x.csv";
  Result<S3GetResult> got =
      S3GetToFile({"bucket", "x.csv"}, path.string(), "", kCredentials, "us-east-1", server.Url());
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.message(), AllOf(HasSubstr("HTTP status 301 PermanentRedirect"),
                                   HasSubstr("the bucket is in region ap-southeast-2")));
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(S3GetToFileTest, RefusedConnectionIsAnError) {
  Result<S3GetResult> got =
      S3GetToFile(where_, path_.string(), "", kCredentials, "us-east-1", "http://127.0.0.1:1");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.message(), HasSubstr("cannot get s3://data-bucket/train/20 news.csv"));
  EXPECT_EQ(Leftovers(), 0);
}

}  // namespace
}  // namespace rungs::aws
