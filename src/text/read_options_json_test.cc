#include "text/read_options_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rungs::text {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(ReadOptionsJson, RoundTripsEveryOption) {
  ReadOptions options;
  options.format = Format::kCsv;
  options.label_prefix = "#";
  options.csv_label_column = "2";
  options.csv_text_columns = {"title", "body"};
  options.csv_has_header = false;
  options.json_label_field = "y";
  options.json_text_field = "x";
  Result<ReadOptions> back = ReadOptionsFromJson(ReadOptionsToJson(options));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->format, Format::kCsv);
  EXPECT_EQ(back->label_prefix, "#");
  EXPECT_EQ(back->csv_label_column, "2");
  EXPECT_EQ(back->csv_text_columns, (std::vector<std::string>{"title", "body"}));
  EXPECT_FALSE(back->csv_has_header);
  EXPECT_EQ(back->json_label_field, "y");
  EXPECT_EQ(back->json_text_field, "x");
}

TEST(ReadOptionsJson, EmptyObjectGivesTheDefaults) {
  Result<ReadOptions> read = ReadOptionsFromJson(json::object());
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(read->format, Format::kAuto);
  EXPECT_EQ(read->label_prefix, "__label__");
}

TEST(ReadOptionsJson, RefusesBadOptionsNamingThem) {
  for (const json& bad : {json{{"format", "xml"}}, json{{"format", 1}},
                          json{{"label_prefix", ""}}, json{{"csv_text_columns", json::array()}},
                          json{{"csv_text_columns", {"a", 2}}}, json{{"csv_has_header", "no"}},
                          json{{"normalize", true}}, json{{"json_text_field", nullptr}}}) {
    Result<ReadOptions> read = ReadOptionsFromJson(bad);
    ASSERT_FALSE(read.ok()) << bad.dump();
    EXPECT_THAT(read.message(), HasSubstr("data.read field '" + bad.begin().key() + "'"));
  }
  EXPECT_FALSE(ReadOptionsFromJson(json::array()).ok());
}

}  // namespace
}  // namespace rungs::text
