#include "fetch/newsgroups_archive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fetch/archive_testing.h"
#include "fetch/csv_field.h"

namespace rungs::fetch {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

// Entries deliberately out of order: the conversion must sort them.
const ArchiveEntries kEntries = {
    {"20news-bydate-train/sci.space/100", "From: c\n\nhundred\n"},
    {"20news-bydate-train/sci.space/9", "From: a\n\nSays \"hi\", twice\n"},
    {"20news-bydate-train/comp.graphics/70", "From: b\n\nno final newline"},
    {"20news-bydate-train/sci.space/10", "From: caf\xe9\r\n\xff\n"},
    {"20news-bydate-test/rec.autos/5", "From: d\n\n,,\n"},
    {"README", "not a message"},
};

TEST(QuoteCsvField, DoublesQuotesAndKeepsOtherBytes) {
  EXPECT_EQ(QuoteCsvField("a\"b,c\nd\xe9"), "\"a\"\"b,c\nd\xe9\"");
  EXPECT_EQ(QuoteCsvField(""), "\"\"");
}

TEST(ConvertNewsgroupsArchive, WritesQuotedRowsByGroupThenFileNumber) {
  fs::path dir = FreshTestDir("a");
  WriteTarGz(dir / "news.tar.gz", kEntries);
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "news.tar.gz", dir);
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_EQ(rows->train, 4);
  EXPECT_EQ(rows->test, 1);
  EXPECT_EQ(ReadWhole(dir / "train.csv"),
            "\"label\",\"text\"\n"
            "\"comp.graphics\",\"From: b\n\nno final newline\"\n"
            "\"sci.space\",\"From: a\n\nSays \"\"hi\"\", twice\n\"\n"
            "\"sci.space\",\"From: caf\xe9\r\n\xff\n\"\n"
            "\"sci.space\",\"From: c\n\nhundred\n\"\n");
  EXPECT_EQ(ReadWhole(dir / "test.csv"),
            "\"label\",\"text\"\n"
            "\"rec.autos\",\"From: d\n\n,,\n\"\n");
}

TEST(ConvertNewsgroupsArchive, AcceptsATopFolderAboveTheSplits) {
  fs::path dir = FreshTestDir("a");
  WriteTarGz(dir / "news.tgz", {{"./top/20news-bydate-train/g/1", "x"},
                                {"./top/20news-bydate-test/g/2", "y"}});
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "news.tgz", dir);
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_EQ(ReadWhole(dir / "test.csv"), "\"label\",\"text\"\n\"g\",\"y\"\n");
}

TEST(ConvertNewsgroupsArchive, MissingSplitIsAnErrorNamingIt) {
  fs::path dir = FreshTestDir("a");
  WriteTarGz(dir / "news.tar.gz", {{"20news-bydate-train/g/1", "x"}});
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "news.tar.gz", dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("20news-bydate-test"));
  EXPECT_THAT(rows.message(), HasSubstr("news.tar.gz"));
}

TEST(ConvertNewsgroupsArchive, NonArchiveIsAnErrorNamingIt) {
  fs::path dir = FreshTestDir("a");
  std::ofstream(dir / "bogus.tar.gz") << "this is not an archive at all";
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "bogus.tar.gz", dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("bogus.tar.gz"));
}

TEST(ConvertNewsgroupsArchive, TruncatedArchiveIsAnError) {
  fs::path dir = FreshTestDir("a");
  ArchiveEntries big = kEntries;
  std::string noise;
  for (int i = 0; i < 200000; ++i) noise += static_cast<char>('a' + (i * 7919) % 26);
  big.push_back({"20news-bydate-test/rec.autos/6", noise});
  WriteTarGz(dir / "whole.tar.gz", big);
  std::string bytes = ReadWhole(dir / "whole.tar.gz");
  std::ofstream(dir / "cut.tar.gz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "cut.tar.gz", dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("cut.tar.gz"));
}

}  // namespace
}  // namespace rungs::fetch
