#include "driver/options_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rungs::driver {
namespace {

using ::testing::HasSubstr;

TEST(OptionsJson, EveryFieldRoundTrips) {
  sched::Options o;
  o.metric = "f1";
  o.direction = sched::Direction::kMinimize;
  o.min_epochs = 2;
  o.max_epochs = 54;
  o.eta = 4;
  o.early_stopping_rate = 1;
  o.brackets = 2;
  o.lr_gamma = 0.7;
  o.promotion = job::Promotion::kRestart;
  o.budget_epochs = 123456;
  o.max_trials = 999;
  o.max_seconds = 300.5;
  o.sha_trials = 81;
  o.evolution.enabled = false;
  o.evolution.probability = {0.1, 0.9, sched::Shape::kCosine};
  o.evolution.tournament = {6, 3, sched::Shape::kConstant};
  o.evolution.params = {4, 2, sched::Shape::kLinear};
  o.evolution.sigma = {0.3, 0.01, sched::Shape::kExponential};
  o.evolution.min_parents = 5;
  o.evolution.pool_size = 100;
  o.evolution.parents_from_highest_rung = true;
  o.evolution.crossover = true;
  o.model.enabled = true;
  o.model.probability = {0.5, 0.9, sched::Shape::kLinear};
  o.model.min_points = 12;
  o.model.good_fraction = 0.2;
  o.model.window = 100;
  o.model.candidates = 32;
  o.model.pending = 16;
  o.model.bandwidth_factor = 2;
  o.model.min_bandwidth = 0.05;
  o.pasha.enabled = true;
  o.pasha.epsilon = 0.01;

  nlohmann::json text = nlohmann::json::parse(OptionsToJson(o).dump());
  Result<sched::Options> back = OptionsFromJson(text, "t");
  ASSERT_TRUE(back.ok()) << back.message();
  // Writing the read-back options gives the same document: nothing dropped.
  EXPECT_EQ(OptionsToJson(*back), OptionsToJson(o));
  EXPECT_EQ(back->evolution.probability.shape, sched::Shape::kCosine);
  EXPECT_EQ(back->promotion, job::Promotion::kRestart);
  EXPECT_EQ(back->max_seconds, 300.5);
  EXPECT_EQ(back->model.candidates, 32);
  EXPECT_EQ(back->pasha.epsilon, 0.01);
}

TEST(OptionsJson, MissingFieldsKeepTheirDefaults) {
  Result<sched::Options> o = OptionsFromJson(nlohmann::json{{"eta", 2}, {"max_trials", 10}}, "t");
  ASSERT_TRUE(o.ok()) << o.message();
  EXPECT_EQ(o->eta, 2);
  EXPECT_EQ(o->max_epochs, sched::Options{}.max_epochs);
}

// The error's field is the key at fault, so that a caller may name it as
// its user gave it (`rungs tune --eta`) without reading the message.
TEST(OptionsJson, BadKeysAndValuesAreNamed) {
  struct Case {
    nlohmann::json json;
    const char* needle;
    const char* field;
  } cases[] = {
      {{{"etta", 3}}, "'etta'", "etta"},
      {{{"eta", "three"}}, "'eta'", "eta"},
      {{{"evolution", {{"crossover", 1}}}}, "'evolution.crossover'", "evolution.crossover"},
      {{{"evolution", {{"sigma", {{"shape", "wobbly"}}}}}}, "'evolution.sigma.shape'",
       "evolution.sigma.shape"},
      {{{"evolution", {{"sigmas", 1}}}}, "'evolution.sigmas'", "evolution.sigmas"},
      {{{"promotion", "pause"}}, "'promotion'", "promotion"},
      {{{"model", {{"window", 0.5}}}}, "'model.window'", "model.window"},
      {{{"pasha", {{"epsilon", "small"}}}}, "'pasha.epsilon'", "pasha.epsilon"},
      {{{"model", {{"good_fraction", 1.5}}}, {"max_trials", 10}}, "model.good_fraction",
       "model.good_fraction"},
      {{{"eta", 1}, {"max_trials", 10}}, "eta", "eta"},  // refused by sched::Validate
      {{{"min_epochs", 3}, {"max_epochs", 2}, {"max_trials", 10}}, "'max_epochs'", "max_epochs"},
      {{{"max_trials", 0}}, "set no limit", ""},  // no one field is at fault
      {nlohmann::json::array(), "must be an object", ""},
  };
  for (const Case& c : cases) {
    Result<sched::Options> o = OptionsFromJson(c.json, "journal.db");
    ASSERT_FALSE(o.ok()) << c.json.dump();
    EXPECT_THAT(o.message(), HasSubstr(c.needle));
    EXPECT_THAT(o.message(), ::testing::StartsWith("journal.db: "));
    EXPECT_EQ(o.error().field, c.field) << o.message();
  }
}

}  // namespace
}  // namespace rungs::driver
