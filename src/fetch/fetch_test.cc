#include "fetch/fetch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "fetch/sha256.h"
#include "testing/archive.h"
#include "testing/files.h"
#include "testing/local_http_server.h"
#include "testing/temp_dir.h"

namespace rungs::fetch {
namespace {

using testing::CannedResponse;
using testing::FreshDir;
using testing::LocalHttpServer;
using testing::ReadFile;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kBody = "label,text\n\"a\",\"caf\xe9 \"\"quoted\"\"\"\n";

// Options for a test: its own cache, no progress, short timeouts.
FetchOptions FetchTestOptions(const fs::path& cache) {
  FetchOptions options;
  options.cache_dir = cache.string();
  options.progress = ProgressMode::kNever;
  options.limits.connect_timeout_seconds = 5;
  options.limits.low_speed_seconds = 5;
  return options;
}

// Files in the cache's downloads folder, complete or not.
std::vector<std::string> CachedNames(const fs::path& cache) {
  std::vector<std::string> names;
  if (!fs::exists(cache / "downloads")) return names;
  for (const auto& entry : fs::directory_iterator(cache / "downloads")) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(Fetch, ReturnsReadablePathUnchanged) {
  fs::path file = FreshDir("p") / "train.csv";
  std::ofstream(file) << kBody;
  Result<std::string> path = Fetch(file.string(), FetchTestOptions(FreshDir("c")));
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_EQ(*path, file.string());
}

TEST(Fetch, MissingPathErrorNamesIt) {
  Result<std::string> path = Fetch("no/such/train.csv", FetchTestOptions(FreshDir("c")));
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr("'no/such/train.csv'"));
  EXPECT_THAT(path.message(), HasSubstr("no such file"));
}

TEST(Fetch, FolderIsNotAFile) {
  fs::path dir = FreshDir("d");
  Result<std::string> path = Fetch(dir.string(), FetchTestOptions(FreshDir("c")));
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr("folder"));
}

TEST(Fetch, ChecksLocalFileDigestWithoutRemovingIt) {
  fs::path file = FreshDir("p") / "train.csv";
  std::ofstream(file) << kBody;
  FetchOptions options = FetchTestOptions(FreshDir("c"));
  options.expected_sha256 = std::string(64, '0');
  Result<std::string> path = Fetch(file.string(), options);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr(Sha256OfBytes(kBody)));
  EXPECT_TRUE(fs::exists(file));
}

TEST(Fetch, DownloadsOnceThenUsesCacheWithServerStopped) {
  LocalHttpServer server;
  server.Route("/data/train.csv", {200, kBody});
  ASSERT_TRUE(server.Start());
  fs::path cache = FreshDir("c");
  Result<std::string> first = Fetch(server.Url("/data/train.csv"), FetchTestOptions(cache));
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(ReadFile(*first), kBody);
  EXPECT_THAT(*first, ::testing::EndsWith("-train.csv"));
  EXPECT_EQ(fs::path(*first).parent_path(), cache / "downloads");
  EXPECT_EQ(server.requests(), 1);

  server.Stop();
  Result<std::string> second = Fetch(server.Url("/data/train.csv"), FetchTestOptions(cache));
  ASSERT_TRUE(second.ok()) << second.message();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(server.requests(), 1);
}

TEST(Fetch, RevalidatesACachedCopyByETagWhenAsked) {
  LocalHttpServer server;
  server.Route("/data.csv", {.status = 200, .body = kBody, .etag = "\"v1\""});
  ASSERT_TRUE(server.Start());
  FetchOptions options = FetchTestOptions(FreshDir("c"));
  options.revalidate = true;
  Result<std::string> first = Fetch(server.Url("/data.csv"), options);
  ASSERT_TRUE(first.ok()) << first.message();
  auto written = fs::last_write_time(*first);

  Result<std::string> same = Fetch(server.Url("/data.csv"), options);  // 304
  ASSERT_TRUE(same.ok()) << same.message();
  EXPECT_EQ(*same, *first);
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(fs::last_write_time(*same), written);

  server.Route("/data.csv", {.status = 200, .body = "label,text\nb,new\n", .etag = "\"v2\""});
  Result<std::string> changed = Fetch(server.Url("/data.csv"), options);
  ASSERT_TRUE(changed.ok()) << changed.message();
  std::ifstream in(*changed);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "label,text\nb,new\n");
  EXPECT_EQ(server.requests(), 3);
}

TEST(Fetch, FollowsRedirects) {
  LocalHttpServer server;
  server.Route("/old", {302, "", "/new"});
  server.Route("/new", {200, kBody});
  ASSERT_TRUE(server.Start());
  Result<std::string> path = Fetch(server.Url("/old"), FetchTestOptions(FreshDir("c")));
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_EQ(ReadFile(*path), kBody);
}

TEST(Fetch, AcceptsMatchingDigestInAnyCase) {
  LocalHttpServer server;
  server.Route("/f", {200, kBody});
  ASSERT_TRUE(server.Start());
  FetchOptions options = FetchTestOptions(FreshDir("c"));
  std::string digest = Sha256OfBytes(kBody);
  for (char& c : digest) c = static_cast<char>(std::toupper(c));
  options.expected_sha256 = digest;
  Result<std::string> path = Fetch(server.Url("/f"), options);
  ASSERT_TRUE(path.ok()) << path.message();
}

TEST(Fetch, DigestMismatchRemovesDownloadAndNamesBothDigests) {
  LocalHttpServer server;
  server.Route("/f", {200, kBody});
  ASSERT_TRUE(server.Start());
  fs::path cache = FreshDir("c");
  FetchOptions options = FetchTestOptions(cache);
  options.expected_sha256 = Sha256OfBytes("something else");
  Result<std::string> path = Fetch(server.Url("/f"), options);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr(Sha256OfBytes("something else")));
  EXPECT_THAT(path.message(), HasSubstr(Sha256OfBytes(kBody)));
  EXPECT_THAT(path.message(), HasSubstr(server.Url("/f")));
  EXPECT_THAT(CachedNames(cache), ::testing::IsEmpty());
}

TEST(Fetch, CorruptCachedCopyIsDownloadedAgain) {
  LocalHttpServer server;
  server.Route("/f", {200, kBody});
  ASSERT_TRUE(server.Start());
  FetchOptions options = FetchTestOptions(FreshDir("c"));
  options.expected_sha256 = Sha256OfBytes(kBody);
  Result<std::string> first = Fetch(server.Url("/f"), options);
  ASSERT_TRUE(first.ok()) << first.message();
  std::ofstream(*first, std::ios::trunc) << "damaged";
  Result<std::string> second = Fetch(server.Url("/f"), options);
  ASSERT_TRUE(second.ok()) << second.message();
  EXPECT_EQ(ReadFile(*second), kBody);
  EXPECT_EQ(server.requests(), 2);
}

TEST(Fetch, HttpErrorNamesStatusAndUrl) {
  LocalHttpServer server;
  ASSERT_TRUE(server.Start());
  fs::path cache = FreshDir("c");
  Result<std::string> path = Fetch(server.Url("/missing.csv"), FetchTestOptions(cache));
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr("HTTP status 404"));
  EXPECT_THAT(path.message(), HasSubstr(server.Url("/missing.csv")));
  EXPECT_THAT(CachedNames(cache), ::testing::IsEmpty());
}

TEST(Fetch, ConnectionRefusedFailsQuickly) {
  LocalHttpServer server;
  ASSERT_TRUE(server.Start());
  server.Stop();  // The port is now closed.
  auto start = std::chrono::steady_clock::now();
  Result<std::string> path = Fetch(server.Url("/f"), FetchTestOptions(FreshDir("c")));
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr(server.Url("/f")));
  EXPECT_THAT(path.message(), ::testing::ContainsRegex("[Cc]onnect"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Fetch, HttpsTrustsTheBundleInSslCertFile) {
  // The Lambda package ships its own CA bundle and names it in SSL_CERT_FILE
  // (Amazon Linux has none where Debian's libcurl looks): it must be used.
  LocalHttpServer server;
  ASSERT_TRUE(server.Start());
  std::string url = "https" + server.Url("/f").substr(4);
  ::setenv("SSL_CERT_FILE", "/nonexistent/rungs-bundle.pem", 1);
  Result<std::string> path = Fetch(url, FetchTestOptions(FreshDir("c")));
  ::unsetenv("SSL_CERT_FILE");
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr("/nonexistent/rungs-bundle.pem"));
}

TEST(Fetch, ShortBodyLeavesNothingThatLooksComplete) {
  LocalHttpServer server;
  CannedResponse cut{200, std::string(5000, 'x')};
  cut.send_bytes = 1000;
  server.Route("/f", cut);
  ASSERT_TRUE(server.Start());
  fs::path cache = FreshDir("c");
  Result<std::string> path = Fetch(server.Url("/f"), FetchTestOptions(cache));
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr(server.Url("/f")));
  EXPECT_THAT(CachedNames(cache), ::testing::IsEmpty());
}

TEST(Fetch, StalledServerTimesOut) {
  LocalHttpServer server;
  CannedResponse stall{200, kBody};
  stall.stall = std::chrono::seconds(20);
  server.Route("/f", stall);
  ASSERT_TRUE(server.Start());
  FetchOptions options = FetchTestOptions(FreshDir("c"));
  options.limits.low_speed_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  Result<std::string> path = Fetch(server.Url("/f"), options);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr(server.Url("/f")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(Fetch, RefusesOtherSchemes) {
  Result<std::string> path = Fetch("ftp://host/train.csv", FetchTestOptions(FreshDir("c")));
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr("unsupported scheme 'ftp://'"));
}

TEST(Fetch, RefusesMalformedExpectedDigest) {
  FetchOptions options = FetchTestOptions(FreshDir("c"));
  options.expected_sha256 = "abc";
  Result<std::string> path = Fetch("http://127.0.0.1:1/f", options);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.message(), HasSubstr("'abc' is not 64 hex digits"));
}

TEST(IsHttpUrl, RecognizesOnlyHttpSchemes) {
  EXPECT_TRUE(IsHttpUrl("http://a/b"));
  EXPECT_TRUE(IsHttpUrl("HTTPS://a/b"));
  EXPECT_FALSE(IsHttpUrl("s3://a/b"));
  EXPECT_FALSE(IsHttpUrl("data/http://x"));
  EXPECT_FALSE(IsHttpUrl("train.csv"));
}

TEST(IsLocalPath, IsAnythingWithoutAScheme) {
  EXPECT_TRUE(IsLocalPath("train.csv"));
  EXPECT_TRUE(IsLocalPath("../data/http://x"));
  EXPECT_FALSE(IsLocalPath(""));
  EXPECT_FALSE(IsLocalPath("s3://a/b"));
  EXPECT_FALSE(IsLocalPath("https://a/b"));
  EXPECT_FALSE(IsLocalPath("ftp://a/b"));
}

}  // namespace
}  // namespace rungs::fetch
