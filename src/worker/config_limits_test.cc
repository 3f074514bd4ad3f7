#include "worker/config_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "trial/classifier_space.h"

namespace rungs::worker {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

struct Limit {
  const char* name;
  int64_t lo;
  int64_t hi;
  json companions = json::object();  // other parameters the value needs to train
};

// Both ends of every integer limit train (TrainArgs::Validate agrees), and
// one step outside is refused naming the parameter.
TEST(ConfigLimits, IntegerLimitsAreTheClassifiersOwn) {
  std::vector<Limit> limits = {
      {"dim", 1, 10000},
      {"ws", 1, 1000},
      {"neg", 1, 1000},
      {"lrUpdateRate", 1, 1000000000},
      {"wordNgrams", 1, 100, {{"bucket", 10}}},
      {"bucket", 0, 1000000000},
      {"minn", 0, 100},
      {"maxn", 0, 100, {{"minn", 1}}},
      {"minCount", 1, 1000000000},
      {"minCountLabel", 0, 1000000000},
  };
  for (const Limit& limit : limits) {
    for (int64_t value : {limit.lo, limit.hi}) {
      json config = limit.companions;
      config[limit.name] = value;
      Result<CheckedConfig> checked = CheckConfig(config);
      ASSERT_TRUE(checked.ok()) << config.dump() << ": " << checked.message();
      auto settings = trial::SettingsFor(checked->space, checked->config, text::TrainArgs{});
      EXPECT_TRUE(settings.ok()) << config.dump() << ": " << settings.message();
    }
    for (int64_t value : {limit.lo - 1, limit.hi + 1}) {
      json config = {{limit.name, value}};
      Result<CheckedConfig> checked = CheckConfig(config);
      ASSERT_FALSE(checked.ok()) << config.dump();
      EXPECT_THAT(checked.message(), HasSubstr(limit.name));
    }
  }
}

TEST(ConfigLimits, ChoicesAndRates) {
  json config = {{"lr", 2.5}, {"loss", "ova"}, {"charNgrams", true}, {"minn", 2},
                 {"maxn", 5}, {"normalize", true}};
  Result<CheckedConfig> checked = CheckConfig(config);
  ASSERT_TRUE(checked.ok()) << checked.message();
  auto settings = trial::SettingsFor(checked->space, checked->config, text::TrainArgs{});
  ASSERT_TRUE(settings.ok()) << settings.message();
  EXPECT_EQ(settings->args.lr, 2.5);
  EXPECT_EQ(settings->args.loss, text::Loss::kOva);
  EXPECT_EQ(settings->args.dict.maxn, 5);
  EXPECT_TRUE(settings->normalize);

  for (const json& bad : {json{{"lr", 0}}, json{{"lr", "0.1"}}, json{{"loss", "hinge"}},
                          json{{"charNgrams", 1}}, json{{"normalize", "yes"}}}) {
    Result<CheckedConfig> refused = CheckConfig(bad);
    ASSERT_FALSE(refused.ok()) << bad.dump();
    EXPECT_THAT(refused.message(), HasSubstr(bad.begin().key())) << refused.message();
  }
}

TEST(ConfigLimits, UnknownParametersAreNamed) {
  Result<CheckedConfig> checked = CheckConfig({{"lr", 0.1}, {"epoch", 5}});
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.message(), HasSubstr("'epoch' is not a hyperparameter"));
  EXPECT_FALSE(CheckConfig(json::array()).ok());
}

}  // namespace
}  // namespace rungs::worker
