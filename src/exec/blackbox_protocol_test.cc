#include "exec/blackbox_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(BlackboxRequestLine, CarriesVersionIdConfigByNameAndEpochs) {
  BlackboxQuery query{{{"lr", 0.01}, {"loss", "ns"}, {"layers", 3}}, {9, 27}};
  nlohmann::json request = nlohmann::json::parse(BlackboxRequestLine(12, query));
  EXPECT_EQ(request["v"], 1);
  EXPECT_EQ(request["id"], 12);
  EXPECT_EQ(request["config"]["lr"], 0.01);
  EXPECT_EQ(request["config"]["loss"], "ns");
  EXPECT_EQ(request["config"]["layers"], 3);
  EXPECT_EQ(request["epochs"], nlohmann::json({9, 27}));
  EXPECT_EQ(BlackboxRequestLine(12, query).find('\n'), std::string::npos);
}

TEST(ParseBlackboxAnswer, ReadsMetricsAndSecondsPerEpoch) {
  auto answer = ParseBlackboxAnswer(
      R"({"v":1,"id":4,"metrics":[71.5,75],"seconds":[33.25,80]})", 4, 2);
  ASSERT_TRUE(answer.ok()) << answer.message();
  EXPECT_THAT(answer->metrics, ElementsAre(71.5, 75.0));
  EXPECT_THAT(answer->seconds, ElementsAre(33.25, 80.0));
}

// Each broken answer and the words its error must contain.
struct Broken {
  const char* line;
  const char* error;
};

class ParseBlackboxAnswerRefuses : public ::testing::TestWithParam<Broken> {};

TEST_P(ParseBlackboxAnswerRefuses, NamingTheProblem) {
  auto answer = ParseBlackboxAnswer(GetParam().line, 4, 2);
  ASSERT_FALSE(answer.ok());
  EXPECT_THAT(answer.message(), HasSubstr(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Lines, ParseBlackboxAnswerRefuses,
    ::testing::Values(
        Broken{"ready", "not JSON: 'ready'"},
        Broken{R"({"v":1,"id":4,"metrics":[NaN,1],"seconds":[1,2]})", "not JSON"},
        Broken{"[1,2]", "not a JSON object"},
        Broken{R"({"id":4,"metrics":[1,2],"seconds":[1,2]})", "field 'v' is missing"},
        Broken{R"({"v":2,"id":4,"metrics":[1,2],"seconds":[1,2]})",
               "field 'v' is protocol version 2, but this build speaks only version 1"},
        Broken{R"({"v":1,"metrics":[1,2],"seconds":[1,2]})", "field 'id' is missing"},
        Broken{R"({"v":1,"id":5,"metrics":[1,2],"seconds":[1,2]})",
               "field 'id' is 5, expected 4"},
        Broken{R"({"v":1,"id":"4","metrics":[1,2],"seconds":[1,2]})",
               "field 'id' is \"4\", expected 4"},
        Broken{R"({"v":1,"id":4,"error":"epoch 81 is outside 1..52"})",
               "refused request 4: epoch 81 is outside 1..52"},
        Broken{R"({"v":1,"id":4,"seconds":[1,2]})", "field 'metrics' is missing"},
        Broken{R"({"v":1,"id":4,"metrics":[1,2]})", "field 'seconds' is missing"},
        Broken{R"({"v":1,"id":4,"metrics":3,"seconds":[1,2]})",
               "field 'metrics' must be an array, got 3"},
        Broken{R"({"v":1,"id":4,"metrics":[1],"seconds":[1,2]})",
               "field 'metrics' must have 2 numbers (one per asked epoch), got 1"},
        Broken{R"({"v":1,"id":4,"metrics":[1,null],"seconds":[1,2]})",
               "field 'metrics'[1] must be a finite number, got null"},
        Broken{R"({"v":1,"id":4,"metrics":[1,"2"],"seconds":[1,2]})",
               "field 'metrics'[1] must be a finite number, got \"2\""},
        Broken{R"({"v":1,"id":4,"metrics":[1,2],"seconds":[1,-2]})",
               "field 'seconds'[1] must not be negative, got -2"},
        Broken{R"({"v":1,"id":4,"metrics":[1,2],"seconds":[true,2]})",
               "field 'seconds'[0] must be a finite number, got true"},
        Broken{R"({"v":1,"id":4,"metrics":[1,2],"seconds":[1,2],"metric":3})",
               "field 'metric' is not a field of a blackbox answer"}));

}  // namespace
}  // namespace rungs::exec
