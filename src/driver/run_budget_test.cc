#include "driver/run_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

#include <nlohmann/json.hpp>

namespace rungs::driver {
namespace {

using ::testing::HasSubstr;

Result<RunBudget> ExtendBy(const RunBudget& budget, const char* detail) {
  Result<RunBudget> more = ParseExtension(nlohmann::json::parse(detail));
  if (!more.ok()) return more.error();
  return Extend(budget, *more);
}

TEST(RunBudget, AnExtensionAddsToEachLimitTheRunHas) {
  RunBudget budget{60, 0, 120, 0, 5};
  Result<RunBudget> raised = ExtendBy(budget, R"({"epochs": 30, "seconds": 45.5, "dollars": 2.5})");
  ASSERT_TRUE(raised.ok()) << raised.message();
  EXPECT_EQ(*raised, (RunBudget{90, 0, 165.5, 0, 7.5}));
  Result<RunBudget> jobs = ExtendBy({0, 100, 0, 100, 0}, R"({"jobs": 7, "trials": 3})");
  ASSERT_TRUE(jobs.ok()) << jobs.message();
  EXPECT_EQ(*jobs, (RunBudget{0, 103, 0, 107, 0}));
}

TEST(RunBudget, AnExtensionOfALimitTheRunLacksIsRefusedNamingIt) {
  const RunBudget epochs_only{60, 0, 0, 0, 0};
  const std::pair<const char*, const char*> cases[] = {
      {R"({"seconds": 10})", "the run has no time budget"},
      {R"({"trials": 10})", "the run has no trial budget"},
      {R"({"jobs": 10})", "the run has no job budget"},
      {R"({"dollars": 1})", "the run has no dollar budget"},
      {R"({"epochs": 5, "dollars": 1})", "the run has no dollar budget"}};
  for (const auto& [detail, why] : cases) {
    Result<RunBudget> raised = ExtendBy(epochs_only, detail);
    ASSERT_FALSE(raised.ok()) << detail;
    EXPECT_EQ(raised.message(), why) << detail;
  }
  EXPECT_EQ(ExtendBy({0, 0, 0, 0, 1}, R"({"epochs": 1})").message(), "the run has no epoch budget");
}

TEST(RunBudget, ABadExtensionNamesTheKeyAtFault) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"epochs": 1.5})", "'epochs' must be a whole number > 0"},
      {R"({"trials": 0})", "'trials' must be a whole number > 0"},
      {R"({"seconds": -1})", "'seconds' must be a number > 0"},
      {R"({"jobs": "5"})", "'jobs' must be a whole number > 0"},
      {R"({"dollars": 1e13})", "'dollars' must be a number > 0 (at most 1e+12)"},
      {R"({"minutes": 5})", "'minutes' is not a budget"},
      {R"({})", "nothing to extend"},
      {R"([1, 2])", "must be a JSON object"}};
  for (const auto& [detail, why] : cases) {
    Result<RunBudget> more = ParseExtension(nlohmann::json::parse(detail));
    ASSERT_FALSE(more.ok()) << detail;
    EXPECT_THAT(more.message(), HasSubstr(why)) << detail;
  }
}

TEST(RunBudget, AnExtensionNeverOverflowsALimit) {
  const RunBudget huge{INT64_MAX - 1, 0, 0, UINT64_MAX - 1, 0};
  Result<RunBudget> raised = ExtendBy(huge, R"({"epochs": 1000, "jobs": 1000})");
  ASSERT_TRUE(raised.ok()) << raised.message();
  EXPECT_EQ(raised->epochs, INT64_MAX);
  EXPECT_EQ(raised->jobs, UINT64_MAX);
}

TEST(RunBudget, TheEventDetailRoundTripsAndOlderDetailsKeepJobsAndDollars) {
  const BudgetChange change{{60, 10, 120.5, 300, 2.5}, "request 3"};
  Result<BudgetChange> back = ParseBudgetDetail(BudgetDetail(change), {});
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->budget, change.budget);
  EXPECT_EQ(back->by, "request 3");

  // Written before jobs and dollars were journaled: they stay as they were.
  Result<BudgetChange> older = ParseBudgetDetail(
      R"({"budget_epochs":60,"max_trials":0,"max_seconds":0})", {1, 2, 3, 400, 5});
  ASSERT_TRUE(older.ok()) << older.message();
  EXPECT_EQ(older->budget, (RunBudget{60, 0, 0, 400, 5}));

  EXPECT_THAT(ParseBudgetDetail(R"({"budget_epochs":60,"max_seconds":0})", {}).message(),
              HasSubstr("'max_trials'"));
  EXPECT_THAT(
      ParseBudgetDetail(R"({"budget_epochs":1,"max_trials":0,"max_seconds":0,"budget_dollars":-1})", {})
          .message(),
      HasSubstr("'budget_dollars' must be a number in [0, 9e18]"));
  EXPECT_FALSE(ParseBudgetDetail(R"({"budget_epochs":1e300,"max_trials":0,"max_seconds":0})", {}).ok());
  EXPECT_FALSE(ParseBudgetDetail("not json", {}).ok());
}

TEST(RunBudget, TextNamesTheLimitsThatAreSet) {
  EXPECT_EQ(BudgetText({60, 0, 120, 0, 5}), "60 epochs, 120 s, $5");
  EXPECT_EQ(BudgetText({0, 40, 0, 1000, 0}), "40 trials, 1000 jobs");
  EXPECT_EQ(BudgetText({}), "none");
}

}  // namespace
}  // namespace rungs::driver
