#include "text/reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "text/utf8_escape.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::TestPath;
using testing::WriteFile;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An example copied out of the callback.
struct Copy {
  std::vector<std::string> labels;
  std::vector<std::string> words;
  int64_t line;
};

struct Read {
  Result<ReadStats> stats;
  std::vector<Copy> examples;
};

Read ReadAll(const std::string& path, const ReadOptions& options = {}) {
  std::vector<Copy> examples;
  Result<ReadStats> stats = ReadExamples(path, options, [&](const Example& e) {
    examples.push_back({{e.labels.begin(), e.labels.end()}, {e.words.begin(), e.words.end()}, e.line});
    return Status::Ok();
  });
  return {std::move(stats), std::move(examples)};
}

TEST(Reader, FastTextLabelsAreWordsWithThePrefixAnywhereOnTheLine) {
  Read read = ReadAll(WriteFile(TestPath("ft.txt"), "__label__a __label__b hello world\nfoo __label__c bar\r\n"));
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  ASSERT_EQ(read.examples.size(), 2u);
  EXPECT_THAT(read.examples[0].labels, ElementsAre("a", "b"));
  EXPECT_THAT(read.examples[0].words, ElementsAre("hello", "world"));
  EXPECT_THAT(read.examples[1].labels, ElementsAre("c"));
  EXPECT_THAT(read.examples[1].words, ElementsAre("foo", "bar"));
  EXPECT_EQ(read.examples[1].line, 2);
}

TEST(Reader, LabelPrefixIsConfigurable) {
  ReadOptions options;
  options.label_prefix = "#";
  Read read = ReadAll(WriteFile(TestPath("prefix.txt"), "#pos good __label__x\n"), options);
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  EXPECT_THAT(read.examples[0].labels, ElementsAre("pos"));
  EXPECT_THAT(read.examples[0].words, ElementsAre("good", "__label__x"));
}

TEST(Reader, LinesWithoutLabelAreSkippedAndCountedButBlankLinesAreNot) {
  Read read = ReadAll(WriteFile(TestPath("unlabelled.txt"), "__label__a x\nno label here\n\n  \nalso none\n__label__b y\n"));
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  EXPECT_EQ(read.stats->examples, 2);
  EXPECT_EQ(read.stats->skipped_no_label, 2);
  EXPECT_EQ(read.examples[1].line, 6);
}

TEST(Reader, KeepUnlabelledDeliversEveryLineForPredict) {
  ReadOptions options;
  options.keep_unlabelled = true;
  Read read = ReadAll(WriteFile(TestPath("predict.txt"), "one\n\n__label__a two\n"), options);
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  ASSERT_EQ(read.examples.size(), 3u);
  EXPECT_TRUE(read.examples[1].words.empty());
  EXPECT_EQ(read.stats->skipped_no_label, 0);
}

TEST(Reader, CsvColumnsByHeaderNameJoinTextColumnsInOrder) {
  ReadOptions options;
  options.csv_label_column = "topic";
  options.csv_text_columns = {"body", "title"};
  Read read = ReadAll(WriteFile(TestPath("named.csv"), "title,topic,body\r\n\"Big, news\",world,\"line one\nline two\"\r\n"),
                      options);
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  ASSERT_EQ(read.examples.size(), 1u);
  EXPECT_THAT(read.examples[0].labels, ElementsAre("world"));
  EXPECT_THAT(read.examples[0].words, ElementsAre("line", "one", "line", "two", "Big,", "news"));
  EXPECT_EQ(read.examples[0].line, 2);
}

TEST(Reader, CsvWithoutHeaderTakesColumnsByIndexAndReadsTheFirstRow) {
  ReadOptions options;
  options.csv_has_header = false;
  options.csv_label_column = "0";
  options.csv_text_columns = {"1", "2"};
  Read read = ReadAll(WriteFile(TestPath("indexed.csv"), "\"3\",\"Title\",\"Desc\"\n\"1\",\"T2\",\"D2\"\n"), options);
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  ASSERT_EQ(read.examples.size(), 2u);
  EXPECT_THAT(read.examples[0].labels, ElementsAre("3"));
  EXPECT_THAT(read.examples[0].words, ElementsAre("Title", "Desc"));
}

TEST(Reader, CsvLabelFieldWithSpacesIsSeveralLabelsAndEmptyIsNoLabel) {
  Read read = ReadAll(WriteFile(TestPath("multi.csv"), "label,text\n\"a b\",x\n,y\n \t,z\n"));
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  ASSERT_EQ(read.examples.size(), 1u);
  EXPECT_THAT(read.examples[0].labels, ElementsAre("a", "b"));
  EXPECT_EQ(read.stats->skipped_no_label, 2);
}

TEST(Reader, CsvRowWithWrongColumnCountIsAnErrorNamingFileAndLine) {
  Read read = ReadAll(WriteFile(TestPath("ragged.csv"), "label,text\na,\"two\nlines\"\nb,x,extra\n"));
  ASSERT_FALSE(read.stats.ok());
  EXPECT_THAT(read.stats.message(), HasSubstr("ragged.csv:4: row has 3 columns, expected 2"));
}

TEST(Reader, CsvColumnsThatDoNotExistAreErrors) {
  ReadOptions options;
  options.csv_text_columns = {"body"};
  EXPECT_THAT(ReadAll(WriteFile(TestPath("cols.csv"), "label,text\na,b\n"), options).stats.message(),
              HasSubstr("text column 'body' is not in the header (columns: 'label', 'text')"));
  options.csv_text_columns = {"7"};
  EXPECT_THAT(ReadAll(WriteFile(TestPath("cols.csv"), "label,text\na,b\n"), options).stats.message(),
              HasSubstr("text column 7 is out of range"));
  options.csv_has_header = false;
  EXPECT_THAT(ReadAll(WriteFile(TestPath("cols.csv"), "a,b\n"), options).stats.message(),
              HasSubstr("label column 'label' must be a 0-based column index"));
}

TEST(Reader, CsvHeaderNameMatchesAfterAByteOrderMark) {
  Read read = ReadAll(WriteFile(TestPath("bom.csv"), "\xEF\xBB\xBFlabel,text\nx,y\n"));
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  EXPECT_THAT(read.examples[0].labels, ElementsAre("x"));
}

TEST(Reader, JsonLinesReadLabelsAndText) {
  Read read = ReadAll(WriteFile(TestPath("data.jsonl"), "{\"label\": [\"a\", 2], \"text\": \"hi there\"}\n\n{\"text\": \"none\"}\n"));
  ASSERT_TRUE(read.stats.ok()) << read.stats.message();
  ASSERT_EQ(read.examples.size(), 1u);
  EXPECT_THAT(read.examples[0].labels, ElementsAre("a", "2"));
  EXPECT_THAT(read.examples[0].words, ElementsAre("hi", "there"));
  EXPECT_EQ(read.stats->skipped_no_label, 1);
}

TEST(Reader, BadJsonLineIsAnErrorNamingFileAndLine) {
  Read read = ReadAll(WriteFile(TestPath("bad.jsonl"), "{\"label\": \"a\", \"text\": \"ok\"}\n{\"label\": \"a\", \"text\": \n"));
  ASSERT_FALSE(read.stats.ok());
  EXPECT_THAT(read.stats.message(), HasSubstr("bad.jsonl:2: not valid JSON"));
}

TEST(Reader, NormalizeGivesTheSameWordsInEveryFormatAndInSplitWords) {
  ReadOptions options;
  options.normalize = true;
  std::vector<std::string> expected = {"hello", ",", "world", "!", "it", "'", "s", "caf\xc9"};
  Read ft = ReadAll(WriteFile(TestPath("norm.txt"), "__label__A Hello, World! It's CAF\xc9\n"), options);
  Read csv = ReadAll(WriteFile(TestPath("norm.csv"), "label,text\nA,\"Hello, World! It's CAF\xc9\"\n"), options);
  Read json = ReadAll(WriteFile(TestPath("norm.jsonl"), "{\"label\":\"A\",\"text\":\"Hello, World! It's CAF\xc9\"}\n"), options);
  for (const Read* read : {&ft, &csv, &json}) {
    ASSERT_TRUE(read->stats.ok()) << read->stats.message();
    EXPECT_THAT(read->examples[0].labels, ElementsAre("A"));  // labels are never normalized
    EXPECT_EQ(read->examples[0].words, expected);
  }
  std::string scratch;
  std::vector<std::string_view> words;
  SplitWords("Hello, World! It's CAF\xc9", true, scratch, words);
  EXPECT_EQ(std::vector<std::string>(words.begin(), words.end()), expected);
}

TEST(Reader, FormatComesFromTheExtensionUnlessGiven) {
  EXPECT_EQ(ResolveFormat("a/b.CSV", Format::kAuto), Format::kCsv);
  EXPECT_EQ(ResolveFormat("b.jsonl", Format::kAuto), Format::kJsonl);
  EXPECT_EQ(ResolveFormat("b.train", Format::kAuto), Format::kFastText);
  EXPECT_EQ(ResolveFormat("b.csv", Format::kFastText), Format::kFastText);
  EXPECT_EQ(*ParseFormat("jsonl"), Format::kJsonl);
  EXPECT_THAT(ParseFormat("xml").message(), HasSubstr("unknown format 'xml'"));
}

TEST(Reader, EveryFormatNameParsesBackToItsFormat) {
  for (Format format : kFormats) {
    Result<Format> parsed = ParseFormat(FormatName(format));
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    EXPECT_EQ(*parsed, format);
  }
}

TEST(Reader, EmptyMissingAndLabelFreeFilesAreErrors) {
  EXPECT_THAT(ReadAll(WriteFile(TestPath("empty.txt"), "")).stats.message(), HasSubstr("is empty"));
  EXPECT_THAT(ReadAll("/nonexistent/train.txt").stats.message(),
              HasSubstr("cannot open '/nonexistent/train.txt'"));
  Result<ReadStats> no_labels = ReadAll(WriteFile(TestPath("nolabels.txt"), "just text\nmore text\n")).stats;
  ASSERT_FALSE(no_labels.ok());
  EXPECT_THAT(no_labels.message(), HasSubstr("no labelled examples (2 lines or rows without a label"));
  EXPECT_THAT(ReadAll(WriteFile(TestPath("header_only.csv"), "label,text\n")).stats.message(),
              HasSubstr("no labelled examples"));
}

TEST(Reader, SinkFailureStopsReadingAndIsReturned) {
  int calls = 0;
  Result<ReadStats> stats = ReadExamples(WriteFile(TestPath("stop.txt"), "__label__a x\n__label__b y\n"), {},
                                         [&](const Example&) {
                                           ++calls;
                                           return Status(Fail("enough"));
                                         });
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.message(), "enough");
  EXPECT_EQ(calls, 1);
}

// Label -> number of examples, and the total number of words.
struct Census {
  std::map<std::string, int64_t> per_label;
  int64_t words = 0;
  int64_t not_utf8 = 0;  // examples holding bytes that are not valid UTF-8
};

bool AnyNotUtf8(const std::vector<std::string_view>& words) {
  std::string scratch;
  for (std::string_view w : words) {
    if (EscapeInvalidUtf8(w, scratch) != Utf8Escape::kValid) return true;
  }
  return false;
}

Result<Census> Count(const std::string& path, const ReadOptions& options) {
  Census census;
  Result<ReadStats> stats = ReadExamples(path, options, [&](const Example& e) {
    for (std::string_view label : e.labels) ++census.per_label[std::string(label)];
    census.words += static_cast<int64_t>(e.words.size());
    census.not_utf8 += AnyNotUtf8(e.words);
    return Status::Ok();
  });
  if (!stats.ok()) return stats.error();
  if (stats->skipped_no_label != 0) return Fail("unexpected unlabelled rows");
  return census;
}

// The word totals and non-UTF-8 counts below were counted independently with Python's csv module,
// splitting on fastText's separators.
TEST(Reader, Loads20NewsgroupsTrainAsItIs) {
  Result<Census> census = Count(RUNGS_SHARED_DATA "/20newsgroups/train.csv", {});
  ASSERT_TRUE(census.ok()) << census.message();
  int64_t total = 0;
  for (const auto& [label, count] : census->per_label) {
    total += count;
    EXPECT_GE(count, 377) << label;
    EXPECT_LE(count, 600) << label;
  }
  EXPECT_EQ(census->per_label.size(), 20u);
  EXPECT_EQ(total, 11314);
  EXPECT_EQ(census->per_label.count("alt.atheism"), 1u);
  EXPECT_EQ(census->words, 3252426);
  EXPECT_EQ(census->not_utf8, 44);  // latin-1 messages, passed through byte for byte
}

TEST(Reader, LoadsAgNewsTestWithoutHeaderJoiningTitleAndDescription) {
  ReadOptions options;
  options.csv_has_header = false;
  options.csv_label_column = "0";
  options.csv_text_columns = {"1", "2"};
  Result<Census> census = Count(RUNGS_SHARED_DATA "/ag_news/test.csv", options);
  ASSERT_TRUE(census.ok()) << census.message();
  EXPECT_EQ(census->per_label, (std::map<std::string, int64_t>{{"1", 1900}, {"2", 1900}, {"3", 1900}, {"4", 1900}}));
  EXPECT_EQ(census->words, 286690);
}

}  // namespace
}  // namespace rungs::text
