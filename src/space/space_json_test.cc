#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "space/space.h"
#include "testing/spaces.h"

namespace rungs::space {
namespace {

using testing::MustParse;
using testing::SameConfig;
using testing::kFastTextSpaceToml;

using ::testing::HasSubstr;
using nlohmann::json;

std::string Refusal(const Space& space, const json& j) {
  Result<Config> c = space.FromJson(j);
  EXPECT_FALSE(c.ok()) << "accepted " << j.dump();
  return c.ok() ? "" : c.message();
}

TEST(SpaceJson, RoundTripsSampledConfigs) {
  Space space = MustParse(kFastTextSpaceToml);
  std::mt19937_64 rng(41);
  for (int n = 0; n < 2000; ++n) {
    Config c = space.Sample(rng);
    Result<Config> back = space.FromJson(json::parse(space.ToJson(c).dump()));
    ASSERT_TRUE(back.ok()) << back.message();
    ASSERT_TRUE(SameConfig(*back, c)) << space.ToJson(c).dump();
  }
}

TEST(SpaceJson, WritesValuesByNameWithTheirTypes) {
  Space space = MustParse(kFastTextSpaceToml);
  Config c = {0.5, 100, 2, 1, 5, 0, std::nan(""), 2, 1e-4, 5, 100};
  ASSERT_TRUE(space.Contains(c));
  json j = space.ToJson(c);
  EXPECT_EQ(j["lr"], 0.5);
  EXPECT_TRUE(j["dim"].is_number_integer());
  EXPECT_EQ(j["dim"], 100);
  EXPECT_EQ(j["loss"], "ns");
  EXPECT_EQ(j["bucket"], 2000000);
  EXPECT_EQ(j["lrUpdateRate"], 100);
  EXPECT_FALSE(j.contains("maxn"));  // inactive: minn is 0
  EXPECT_EQ(j.size(), 10u);
}

TEST(SpaceJson, RefusesBadConfigurationsNamingTheParameter) {
  Space space = MustParse(kFastTextSpaceToml);
  json good = {{"lr", 0.1}, {"dim", 50},   {"wordNgrams", 2}, {"loss", "ns"},
               {"neg", 5},  {"minn", 3},   {"maxn", 5},       {"bucket", 1000000},
               {"t", 1e-4}, {"ws", 5}};
  ASSERT_TRUE(space.FromJson(good).ok()) << space.FromJson(good).message();
  auto with = [&](const std::string& key, const json& value) {
    json j = good;
    j[key] = value;
    return j;
  };
  auto without = [&](const std::string& key) {
    json j = good;
    j.erase(key);
    return j;
  };
  EXPECT_THAT(Refusal(space, with("lrr", 1)), HasSubstr("unknown parameter 'lrr'"));
  EXPECT_THAT(Refusal(space, with("lr", 5.0)), HasSubstr("parameter 'lr': 5.0 is outside [0.01, 2.0]"));
  EXPECT_THAT(Refusal(space, with("lr", "fast")), HasSubstr("parameter 'lr': must be a number"));
  EXPECT_THAT(Refusal(space, with("dim", 50.5)), HasSubstr("parameter 'dim': must be an integer"));
  EXPECT_THAT(Refusal(space, with("loss", "nss")), HasSubstr("parameter 'loss': \"nss\" is not one"));
  EXPECT_THAT(Refusal(space, with("loss", 1)), HasSubstr("parameter 'loss'"));
  EXPECT_THAT(Refusal(space, with("bucket", 3)), HasSubstr("parameter 'bucket'"));
  EXPECT_THAT(Refusal(space, with("lrUpdateRate", 7)), HasSubstr("'lrUpdateRate': is fixed at 100"));
  EXPECT_THAT(Refusal(space, with("ws", json::array({1}))), HasSubstr("parameter 'ws'"));
  EXPECT_THAT(Refusal(space, with("loss", "hs")), HasSubstr("parameter 'neg': is given but inactive"));
  EXPECT_THAT(Refusal(space, without("lr")), HasSubstr("parameter 'lr': is missing"));
  EXPECT_THAT(Refusal(space, with("maxn", 2)), HasSubstr("constraint 'maxn >= minn' does not hold"));
  EXPECT_THAT(Refusal(space, json::array({1, 2})), HasSubstr("expected a JSON object"));
}

TEST(SpaceJson, AcceptsIntegralFloatsForIntsAndFillsFixedValues) {
  Space space = MustParse(kFastTextSpaceToml);
  json j = {{"lr", 1},   {"dim", 50.0}, {"wordNgrams", 2}, {"loss", "hs"}, {"minn", 0},
            {"bucket", 1000000.0}, {"t", 1e-4}, {"ws", 5}};
  Result<Config> c = space.FromJson(j);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ((*c)[1], 50);
  EXPECT_EQ((*c)[7], 1);
  EXPECT_EQ((*c)[10], 100);
  EXPECT_TRUE(space.Contains(*c));
}

}  // namespace
}  // namespace rungs::space
