#include "fetch/newsgroups_archive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "fetch/csv_field.h"
#include "fetch/sha256.h"
#include "testing/archive.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::fetch {
namespace {

using testing::ArchiveEntries;
using testing::FreshDir;
using testing::ReadFile;
using testing::WriteTar;
using testing::WriteTarGz;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

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
  fs::path dir = FreshDir("a");
  WriteTarGz(dir / "news.tar.gz", kEntries);
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "news.tar.gz", dir);
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_EQ(rows->train, 4);
  EXPECT_EQ(rows->test, 1);
  EXPECT_EQ(ReadFile(dir / "train.csv"),
            "\"label\",\"text\"\n"
            "\"comp.graphics\",\"From: b\n\nno final newline\"\n"
            "\"sci.space\",\"From: a\n\nSays \"\"hi\"\", twice\n\"\n"
            "\"sci.space\",\"From: caf\xe9\r\n\xff\n\"\n"
            "\"sci.space\",\"From: c\n\nhundred\n\"\n");
  EXPECT_EQ(ReadFile(dir / "test.csv"),
            "\"label\",\"text\"\n"
            "\"rec.autos\",\"From: d\n\n,,\n\"\n");
}

TEST(ConvertNewsgroupsArchive, AcceptsATopFolderAboveTheSplits) {
  fs::path dir = FreshDir("a");
  WriteTarGz(dir / "news.tgz", {{"./top/20news-bydate-train/g/1", "x"},
                                {"./top/20news-bydate-test/g/2", "y"}});
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "news.tgz", dir);
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_EQ(ReadFile(dir / "test.csv"), "\"label\",\"text\"\n\"g\",\"y\"\n");
}

TEST(ConvertNewsgroupsArchive, MissingSplitIsAnErrorNamingIt) {
  fs::path dir = FreshDir("a");
  WriteTarGz(dir / "news.tar.gz", {{"20news-bydate-train/g/1", "x"}});
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "news.tar.gz", dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("20news-bydate-test"));
  EXPECT_THAT(rows.message(), HasSubstr("news.tar.gz"));
}

TEST(ConvertNewsgroupsArchive, NonArchiveIsAnErrorNamingIt) {
  fs::path dir = FreshDir("a");
  std::ofstream(dir / "bogus.tar.gz") << "this is not an archive at all";
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "bogus.tar.gz", dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("bogus.tar.gz"));
}

TEST(ConvertNewsgroupsArchive, TruncatedArchiveIsAnError) {
  fs::path dir = FreshDir("a");
  ArchiveEntries big = kEntries;
  std::string noise;
  for (int i = 0; i < 200000; ++i) noise += static_cast<char>('a' + (i * 7919) % 26);
  big.push_back({"20news-bydate-test/rec.autos/6", noise});
  WriteTarGz(dir / "whole.tar.gz", big);
  std::string bytes = ReadFile(dir / "whole.tar.gz");
  std::ofstream(dir / "cut.tar.gz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "cut.tar.gz", dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("cut.tar.gz"));
}

// The (label, text) rows of a CSV whose fields are all double-quoted, as
// the shared files are; the header row is skipped.
std::vector<std::pair<std::string, std::string>> QuotedRows(const std::string& csv) {
  std::vector<std::string> fields;
  size_t at = 0;
  while (at < csv.size()) {
    EXPECT_EQ(csv[at], '"') << "at byte " << at;
    std::string field;
    for (++at; !(csv[at] == '"' && (at + 1 == csv.size() || csv[at + 1] != '"')); ++at) {
      field += csv[at];
      if (csv[at] == '"') ++at;  // A doubled quote stands for one.
    }
    fields.push_back(std::move(field));
    at += 2;  // The closing quote and the ',' or '\n' after it.
  }
  std::vector<std::pair<std::string, std::string>> rows;
  for (size_t i = 2; i + 1 < fields.size(); i += 2) rows.emplace_back(fields[i], fields[i + 1]);
  return rows;
}

// Lays the shared CSV rows out as the bydate tarball does, in reverse order
// and numbered across a digit boundary (9990, ..., 10001, ...), so that only
// grouping plus numeric file order restores the original rows.
void AddSplit(const fs::path& csv, const std::string& folder, ArchiveEntries& entries) {
  std::map<std::string, int> next_number;
  std::vector<std::pair<std::string, std::string>> rows = QuotedRows(ReadFile(csv));
  for (const auto& [label, text] : rows) {
    int number = next_number.try_emplace(label, 9990).first->second++;
    entries.push_back({folder + "/" + label + "/" + std::to_string(number), text});
  }
}

TEST(ConvertNewsgroupsArchive, RebuildsTheSharedCsvsByteForByte) {
  fs::path shared = fs::path(RUNGS_SHARED_DATA) / "20newsgroups";
  if (!fs::exists(shared / "train.csv")) GTEST_SKIP() << "no shared 20newsgroups folder";
  ArchiveEntries entries;
  AddSplit(shared / "train.csv", "20news-bydate-train", entries);
  AddSplit(shared / "test.csv", "20news-bydate-test", entries);
  std::reverse(entries.begin(), entries.end());
  fs::path dir = FreshDir("a");
  WriteTar(dir / "bydate.tar", entries);
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(dir / "bydate.tar", dir);
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_EQ(rows->train, 11314);
  EXPECT_EQ(rows->test, 7532);
  // The digests recorded in the shared README.
  EXPECT_EQ(Sha256OfFile(dir / "train.csv").value(),
            "7fa2f98e92c192f7175adcf69ee03a9f9812b1c7b83da2359df88200a46e30c3");
  EXPECT_EQ(Sha256OfFile(dir / "test.csv").value(),
            "e2425bbb298249bed5d105aeb5d55401c4967fd0fc7bfc60210de78062c8d198");
  fs::remove_all(dir);  // About 100 MB.
}

}  // namespace
}  // namespace rungs::fetch
