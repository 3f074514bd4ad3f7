#include "text/csv_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::TestPath;
using testing::WriteFile;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Row {
  std::vector<std::string> fields;
  int64_t line;
};

Result<std::vector<Row>> Parse(std::string_view name, std::string_view bytes) {
  Result<LineReader> lines = LineReader::Open(WriteFile(TestPath(name), bytes));
  if (!lines.ok()) return lines.error();
  CsvParser parser(*lines);
  std::vector<Row> rows;
  while (true) {
    Result<bool> next = parser.Next();
    if (!next.ok()) return next.error();
    if (!*next) return rows;
    rows.push_back({{parser.fields().begin(), parser.fields().end()}, parser.line()});
  }
}

TEST(CsvParser, QuotedFieldsHoldCommasNewlinesAndDoubledQuotes) {
  Result<std::vector<Row>> rows =
      Parse("quotes.csv", "a,\"b,c\",\"say \"\"hi\"\"\"\n\"multi\nline\",x,\"\"\n");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0].fields, ElementsAre("a", "b,c", "say \"hi\""));
  EXPECT_THAT((*rows)[1].fields, ElementsAre("multi\nline", "x", ""));
}

TEST(CsvParser, CrlfEndsRecordsButIsKeptInsideQuotes) {
  Result<std::vector<Row>> rows = Parse("crlf.csv", "a,b\r\n\"x\r\ny\",z\r\n");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT((*rows)[1].fields, ElementsAre("x\r\ny", "z"));
}

TEST(CsvParser, TrailingCommaMeansAnEmptyLastField) {
  Result<std::vector<Row>> rows = Parse("trailing.csv", "a,\n\"b\",\n,\n");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_THAT((*rows)[0].fields, ElementsAre("a", ""));
  EXPECT_THAT((*rows)[1].fields, ElementsAre("b", ""));
  EXPECT_THAT((*rows)[2].fields, ElementsAre("", ""));
}

TEST(CsvParser, RecordLineIsWhereTheRecordStartsAndBlankLinesAreSkipped) {
  Result<std::vector<Row>> rows = Parse("lines.csv", "h\n\n\"a\n\nb\"\n\r\nlast");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].line, 1);
  EXPECT_EQ((*rows)[1].line, 3);
  EXPECT_THAT((*rows)[1].fields, ElementsAre("a\n\nb"));
  EXPECT_EQ((*rows)[2].line, 7);
  EXPECT_THAT((*rows)[2].fields, ElementsAre("last"));
}

TEST(CsvParser, QuoteInsideAnUnquotedFieldIsKept) {
  Result<std::vector<Row>> rows = Parse("bare_quote.csv", "5\" disk,x\n");
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_THAT((*rows)[0].fields, ElementsAre("5\" disk", "x"));
}

TEST(CsvParser, UnclosedQuoteIsAnErrorNamingTheLineWhereItOpened) {
  Result<std::vector<Row>> rows = Parse("unclosed.csv", "a,b\n1,\"open\nmore\nstill\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("unclosed.csv:2:"));
  EXPECT_THAT(rows.message(), HasSubstr("not closed"));
}

TEST(CsvParser, BytesAfterAClosingQuoteAreAnErrorNamingLineAndField) {
  Result<std::vector<Row>> rows = Parse("after_quote.csv", "a,b\nx,\"y\"z\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.message(), HasSubstr("after_quote.csv:2: field 2: unexpected 'z'"));
}

TEST(CsvParser, HighBytesPassThrough) {
  Result<std::vector<Row>> rows = Parse("latin1.csv", "\"caf\xe9\",\xff\n");
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_THAT((*rows)[0].fields, ElementsAre("caf\xe9", "\xff"));
}

}  // namespace
}  // namespace rungs::text
