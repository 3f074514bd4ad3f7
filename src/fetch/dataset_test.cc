#include "fetch/dataset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "fetch/sha256.h"
#include "testing/archive.h"
#include "testing/files.h"
#include "testing/local_http_server.h"
#include "testing/temp_dir.h"

namespace rungs::fetch {
namespace {

using testing::ArchiveEntries;
using testing::FreshDir;
using testing::LocalHttpServer;
using testing::ReadFile;
using testing::WriteTarGz;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const ArchiveEntries kNews = {
    {"20news-bydate-train/sci.space/2", "two\n"},
    {"20news-bydate-train/alt.atheism/1", "one \"q\"\n"},
    {"20news-bydate-test/sci.space/3", "three\xe9\n"},
};

DatasetOptions DatasetTestOptions(const fs::path& cache) {
  DatasetOptions options;
  options.fetch.cache_dir = cache.string();
  options.fetch.progress = ProgressMode::kNever;
  options.fetch.limits.connect_timeout_seconds = 5;
  options.fetch.limits.low_speed_seconds = 5;
  return options;
}

// A server with the synthetic tarball at /news.tar.gz; returns its digest.
std::string ServeNews(LocalHttpServer& server, const fs::path& dir) {
  WriteTarGz(dir / "news.tar.gz", kNews);
  std::string bytes = ReadFile(dir / "news.tar.gz");
  server.Route("/news.tar.gz", {200, bytes});
  EXPECT_TRUE(server.Start());
  return Sha256OfBytes(bytes);
}

TEST(ResolveDataset, PrefersTheLocalFolder) {
  fs::path root = FreshDir("root");
  fs::create_directories(root / "20newsgroups");
  std::ofstream(root / "20newsgroups" / "train.csv") << "label,text\n";
  std::ofstream(root / "20newsgroups" / "test.csv") << "label,text\n";
  LocalHttpServer server;
  std::string digest = ServeNews(server, FreshDir("srv"));
  DatasetOptions options = DatasetTestOptions(FreshDir("c"));
  options.local_root = root.string();
  options.archive_url = server.Url("/news.tar.gz");
  options.archive_sha256 = digest;
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->origin, DatasetOrigin::kLocalFolder);
  EXPECT_EQ(files->train, (root / "20newsgroups" / "train.csv").string());
  EXPECT_EQ(files->test, (root / "20newsgroups" / "test.csv").string());
  EXPECT_EQ(server.requests(), 0);
}

TEST(ResolveDataset, FindsTheSharedCopyWhenPresent) {
  if (!fs::exists(fs::path(RUNGS_SHARED_DATA) / "20newsgroups" / "train.csv")) {
    GTEST_SKIP() << "no shared 20newsgroups folder";
  }
  DatasetOptions options = DatasetTestOptions(FreshDir("c"));
  options.local_root = RUNGS_SHARED_DATA;
  options.archive_url = "http://127.0.0.1:1/never-used.tar.gz";
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->origin, DatasetOrigin::kLocalFolder);
  EXPECT_THAT(files->train, HasSubstr("20newsgroups"));
}

TEST(ResolveDataset, AgNewsTestComesFromTheSharedFolder) {
  if (!fs::exists(fs::path(RUNGS_SHARED_DATA) / "ag_news" / "test.csv")) {
    GTEST_SKIP() << "no shared ag_news folder";
  }
  DatasetOptions options = DatasetTestOptions(FreshDir("c"));
  options.local_root = RUNGS_SHARED_DATA;
  options.need_train = false;
  Result<DatasetFiles> files = ResolveDataset("ag_news", options);
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->origin, DatasetOrigin::kLocalFolder);
  EXPECT_EQ(files->train, "");
  EXPECT_EQ(files->test, (fs::path(RUNGS_SHARED_DATA) / "ag_news" / "test.csv").string());
}

TEST(ResolveDataset, IncompleteCachedSetIsConvertedAgain) {
  LocalHttpServer server;
  std::string digest = ServeNews(server, FreshDir("srv"));
  fs::path cache = FreshDir("c");
  DatasetOptions options = DatasetTestOptions(cache);
  options.archive_url = server.Url("/news.tar.gz");
  options.archive_sha256 = digest;
  ASSERT_TRUE(ResolveDataset("20newsgroups", options).ok());
  fs::remove(cache / "datasets" / "20newsgroups" / "train.csv");
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->origin, DatasetOrigin::kDownloaded);
  EXPECT_TRUE(fs::exists(files->train));
  EXPECT_EQ(server.requests(), 1);  // The archive itself came from the cache.
}

TEST(ResolveDataset, DownloadsConvertsThenUsesTheCacheOffline) {
  LocalHttpServer server;
  std::string digest = ServeNews(server, FreshDir("srv"));
  fs::path cache = FreshDir("c");
  DatasetOptions options = DatasetTestOptions(cache);
  options.local_root = FreshDir("empty-root").string();
  options.archive_url = server.Url("/news.tar.gz");
  options.archive_sha256 = digest;
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->origin, DatasetOrigin::kDownloaded);
  EXPECT_EQ(files->train, (cache / "datasets" / "20newsgroups" / "train.csv").string());
  EXPECT_EQ(ReadFile(files->train),
            "\"label\",\"text\"\n\"alt.atheism\",\"one \"\"q\"\"\n\"\n\"sci.space\",\"two\n\"\n");
  EXPECT_EQ(ReadFile(files->test), "\"label\",\"text\"\n\"sci.space\",\"three\xe9\n\"\n");
  ASSERT_TRUE(files->matches_reference.has_value());
  EXPECT_FALSE(*files->matches_reference);
  EXPECT_THAT(files->note, HasSubstr("differs from the reference"));

  server.Stop();
  Result<DatasetFiles> again = ResolveDataset("20newsgroups", options);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->origin, DatasetOrigin::kCache);
  EXPECT_EQ(again->train, files->train);
  EXPECT_FALSE(again->matches_reference.has_value());
}

TEST(ResolveDataset, ArchiveUrlComesFromTheEnvironment) {
  LocalHttpServer server;
  std::string digest = ServeNews(server, FreshDir("srv"));
  setenv("RUNGS_20NEWSGROUPS_URL", server.Url("/news.tar.gz").c_str(), 1);
  setenv("RUNGS_20NEWSGROUPS_SHA256", digest.c_str(), 1);
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", DatasetTestOptions(FreshDir("c")));
  unsetenv("RUNGS_20NEWSGROUPS_URL");
  unsetenv("RUNGS_20NEWSGROUPS_SHA256");
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->origin, DatasetOrigin::kDownloaded);
  EXPECT_EQ(server.requests(), 1);
}

TEST(ResolveDataset, WrongArchiveDigestFailsAndCachesNothing) {
  LocalHttpServer server;
  ServeNews(server, FreshDir("srv"));
  fs::path cache = FreshDir("c");
  DatasetOptions options = DatasetTestOptions(cache);
  options.archive_url = server.Url("/news.tar.gz");
  // No digest given: the public archive's digest applies, and this is not it.
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.message(), HasSubstr("SHA-256 mismatch"));
  EXPECT_THAT(files.message(),
              HasSubstr("8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610"));
  EXPECT_FALSE(fs::exists(cache / "datasets" / "20newsgroups"));
  EXPECT_TRUE(fs::is_empty(cache / "downloads"));
}

TEST(ResolveDataset, ArchiveWithoutTheSplitsLeavesNoConvertedFolder) {
  fs::path srv = FreshDir("srv");
  WriteTarGz(srv / "other.tar.gz", {{"something/else.txt", "x"}});
  std::string bytes = ReadFile(srv / "other.tar.gz");
  LocalHttpServer server;
  server.Route("/other.tar.gz", {200, bytes});
  ASSERT_TRUE(server.Start());
  fs::path cache = FreshDir("c");
  DatasetOptions options = DatasetTestOptions(cache);
  options.archive_url = server.Url("/other.tar.gz");
  options.archive_sha256 = Sha256OfBytes(bytes);
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.message(), HasSubstr("not the 20 Newsgroups bydate tarball"));
  EXPECT_TRUE(fs::is_empty(cache / "datasets"));
}

TEST(ResolveDataset, UnreachableSourceErrorNamesTheUrl) {
  LocalHttpServer server;
  ASSERT_TRUE(server.Start());
  server.Stop();
  DatasetOptions options = DatasetTestOptions(FreshDir("c"));
  options.archive_url = server.Url("/news.tar.gz");
  Result<DatasetFiles> files = ResolveDataset("20newsgroups", options);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.message(), HasSubstr("cannot download data set '20newsgroups'"));
  EXPECT_THAT(files.message(), HasSubstr(server.Url("/news.tar.gz")));
}

TEST(ResolveDataset, AgNewsIsTestOnly) {
  Result<DatasetFiles> files = ResolveDataset("ag_news", DatasetTestOptions(FreshDir("c")));
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.message(), HasSubstr("only its official test split"));
}

TEST(ResolveDataset, AgNewsTestIsExtractedFromItsArchive) {
  fs::path srv = FreshDir("srv");
  WriteTarGz(srv / "ag.tgz", {{"ag_news_csv/train.csv", "\"1\",\"t\",\"d\"\n"},
                              {"ag_news_csv/test.csv", "\"3\",\"title\",\"text\"\n"},
                              {"ag_news_csv/classes.txt", "World\n"}});
  std::string bytes = ReadFile(srv / "ag.tgz");
  LocalHttpServer server;
  server.Route("/ag.tgz", {200, bytes});
  ASSERT_TRUE(server.Start());
  fs::path cache = FreshDir("c");
  DatasetOptions options = DatasetTestOptions(cache);
  options.need_train = false;
  options.archive_url = server.Url("/ag.tgz");
  Result<DatasetFiles> files = ResolveDataset("ag_news", options);
  ASSERT_TRUE(files.ok()) << files.message();
  EXPECT_EQ(files->train, "");
  EXPECT_EQ(ReadFile(files->test), "\"3\",\"title\",\"text\"\n");
  EXPECT_FALSE(fs::exists(cache / "datasets" / "ag_news" / "train.csv"));
  EXPECT_TRUE(fs::exists(cache / "datasets" / "ag_news" / "classes.txt"));
}

TEST(ResolveDataset, UnknownNameListsKnownOnes) {
  Result<DatasetFiles> files = ResolveDataset("mnist", DatasetTestOptions(FreshDir("c")));
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.message(), HasSubstr("unknown data set 'mnist'"));
  EXPECT_THAT(files.message(), HasSubstr("20newsgroups, ag_news"));
}

}  // namespace
}  // namespace rungs::fetch
