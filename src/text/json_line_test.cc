#include "text/json_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::text {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Result<JsonRecord> Parse(std::string_view line) { return ParseJsonLine(line, "label", "text"); }

TEST(JsonLine, LabelMayBeAStringANumberOrAnArrayOfThem) {
  EXPECT_THAT(Parse(R"({"label": "sport", "text": "goal"})")->labels, ElementsAre("sport"));
  EXPECT_THAT(Parse(R"({"label": 3, "text": "goal"})")->labels, ElementsAre("3"));
  EXPECT_THAT(Parse(R"({"label": ["a", 2], "text": "goal"})")->labels, ElementsAre("a", "2"));
  EXPECT_EQ(Parse(R"({"label": "a", "text": "two words"})")->text, "two words");
}

TEST(JsonLine, MissingNullOrEmptyLabelMeansNoLabel) {
  EXPECT_THAT(Parse(R"({"text": "x"})")->labels, IsEmpty());
  EXPECT_THAT(Parse(R"({"label": null, "text": "x"})")->labels, IsEmpty());
  EXPECT_THAT(Parse(R"({"label": [], "text": "x"})")->labels, IsEmpty());
}

TEST(JsonLine, FieldNamesAreConfigurable) {
  Result<JsonRecord> record = ParseJsonLine(R"({"y": "pos", "body": "nice"})", "y", "body");
  ASSERT_TRUE(record.ok()) << record.message();
  EXPECT_THAT(record->labels, ElementsAre("pos"));
  EXPECT_EQ(record->text, "nice");
}

TEST(JsonLine, NonUtf8BytesInStringsComeOutAsTheyWentIn) {
  Result<JsonRecord> record = Parse("{\"label\": \"caf\xe9\", \"text\": \"na\xefve \\u00e9 \xff\"}");
  ASSERT_TRUE(record.ok()) << record.message();
  EXPECT_THAT(record->labels, ElementsAre("caf\xe9"));
  EXPECT_EQ(record->text, "na\xefve \xC3\xA9 \xff");
}

TEST(JsonLine, BadJsonIsAnErrorNamingThePosition) {
  Result<JsonRecord> record = Parse(R"({"label": "a", "text": })");
  ASSERT_FALSE(record.ok());
  EXPECT_THAT(record.message(), HasSubstr("not valid JSON near byte"));
}

TEST(JsonLine, ANumberBeyondADoubleIsAnErrorNotAnException) {
  // Found by fuzz/json_lines.cc: nlohmann's out_of_range escaped the reader.
  Result<JsonRecord> record = ParseJsonLine(R"({"label": 1e999, "text": "x"})", "label", "text");
  ASSERT_FALSE(record.ok());
  EXPECT_THAT(record.message(), HasSubstr("number overflow"));
}

TEST(JsonLine, WrongShapesAreErrorsNamingTheField) {
  EXPECT_THAT(Parse(R"(["a", "b"])").message(), HasSubstr("expected a JSON object"));
  EXPECT_THAT(Parse(R"({"label": "a"})").message(), HasSubstr("no field 'text'"));
  EXPECT_THAT(Parse(R"({"label": "a", "text": 5})").message(),
              HasSubstr("field 'text' must be a string"));
  EXPECT_THAT(Parse(R"({"label": true, "text": "x"})").message(), HasSubstr("field 'label'"));
  EXPECT_THAT(Parse(R"({"label": [{"a": 1}], "text": "x"})").message(),
              HasSubstr("field 'label'"));
}

}  // namespace
}  // namespace rungs::text
