#include "sched/factory.h"

#include <optional>
#include <random>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sched/asha.h"
#include "sched/sync_halving.h"
#include "testing/spaces.h"

namespace rungs::sched {
namespace {

using testing::FastTextSpace;

using ::testing::HasSubstr;

Options Budgeted() {
  Options o;
  o.budget_epochs = 1000;
  return o;
}

TEST(MakeScheduler, BuildsEveryMethod) {
  for (const char* name : {"asha-evo", "asha-tpe", "asha", "random", "sha", "hyperband"}) {
    auto s = MakeScheduler(name, Budgeted(), FastTextSpace(), 1);
    ASSERT_TRUE(s.ok()) << name << ": " << s.message();
    EXPECT_TRUE((*s)->Next(0).has_value()) << name;
  }
}

TEST(MakeScheduler, AshaEvoHasEvolutionOnAshaOff) {
  auto evo = MakeScheduler("asha-evo", Budgeted(), FastTextSpace(), 1);
  auto plain = MakeScheduler("asha", Budgeted(), FastTextSpace(), 1);
  ASSERT_TRUE(evo.ok() && plain.ok());
  EXPECT_TRUE(dynamic_cast<AshaScheduler&>(**evo).evolution().on());
  EXPECT_FALSE(dynamic_cast<AshaScheduler&>(**plain).evolution().on());
}

TEST(MakeScheduler, AshaTpeHasTheModelOnAndEvolutionOff) {
  auto tpe = MakeScheduler("asha-tpe", Budgeted(), FastTextSpace(), 1);
  auto evo = MakeScheduler("asha-evo", Budgeted(), FastTextSpace(), 1);
  ASSERT_TRUE(tpe.ok() && evo.ok());
  EXPECT_NE(dynamic_cast<AshaScheduler&>(**tpe).model(), nullptr);
  EXPECT_FALSE(dynamic_cast<AshaScheduler&>(**tpe).evolution().on());
  EXPECT_EQ(dynamic_cast<AshaScheduler&>(**evo).model(), nullptr);
  // Two brackets of its own, one with PASHA, as many as asked otherwise.
  EXPECT_EQ(dynamic_cast<AshaScheduler&>(**tpe).brackets().size(), 2);
  EXPECT_EQ(dynamic_cast<AshaScheduler&>(**evo).brackets().size(), 1);
  Options o = Budgeted();
  o.pasha.enabled = true;
  tpe = MakeScheduler("asha-tpe", o, FastTextSpace(), 1);
  ASSERT_TRUE(tpe.ok());
  EXPECT_EQ(dynamic_cast<AshaScheduler&>(**tpe).brackets().size(), 1);
  o = Budgeted();
  o.brackets = 3;
  tpe = MakeScheduler("asha-tpe", o, FastTextSpace(), 1);
  ASSERT_TRUE(tpe.ok());
  EXPECT_EQ(dynamic_cast<AshaScheduler&>(**tpe).brackets().size(), 3);
}

TEST(MakeScheduler, PashaNeedsAnAshaMethodWithOneBracket) {
  Options o = Budgeted();
  o.pasha.enabled = true;
  for (const char* name : {"asha-evo", "asha-tpe", "asha"}) {
    auto s = MakeScheduler(name, o, FastTextSpace(), 1);
    ASSERT_TRUE(s.ok()) << name << ": " << s.message();
    EXPECT_EQ(dynamic_cast<AshaScheduler&>(**s).TopRung(0), 1) << name;
  }
  for (const char* name : {"random", "sha", "hyperband"}) {
    EXPECT_THAT(MakeScheduler(name, o, FastTextSpace(), 1).message(), HasSubstr("'pasha.enabled'"))
        << name;
  }
  o.brackets = 2;
  EXPECT_THAT(MakeScheduler("asha-evo", o, FastTextSpace(), 1).message(),
              HasSubstr("needs one bracket"));
}

TEST(MakeScheduler, RandomTrainsEveryTrialStraightToR) {
  auto s = MakeScheduler("random", Budgeted(), FastTextSpace(), 1);
  ASSERT_TRUE(s.ok());
  for (uint32_t i = 0; i < 5; ++i) {
    const std::optional<job::Job> job = (*s)->Next(0);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->trial, i);
    EXPECT_EQ(job->epochs_from, 0);
    EXPECT_EQ(job->epochs_to, 27);
    EXPECT_DOUBLE_EQ(job->lr_scale, 1.0);
    (*s)->Report(job::JobResult{.job = job->id, .trial = i, .rung = 0, .outcome = job::Outcome::kOk,
                                .metric = 0.5, .epochs_trained = 27, .seconds = 0, .error = {}},
                 0);
  }
  EXPECT_EQ((*s)->best()->epochs, 27);
}

TEST(MakeScheduler, HyperbandUsesEveryBracketByDefault) {
  auto s = MakeScheduler("hyperband", Budgeted(), FastTextSpace(), 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(dynamic_cast<SyncHalvingScheduler&>(**s).brackets().size(), 4);
  Options o = Budgeted();
  o.early_stopping_rate = 1;
  s = MakeScheduler("hyperband", o, FastTextSpace(), 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(dynamic_cast<SyncHalvingScheduler&>(**s).brackets().size(), 3);
}

TEST(MakeScheduler, RefusesUnknownNamesAndBadOptions) {
  EXPECT_THAT(MakeScheduler("bohb", Budgeted(), FastTextSpace(), 1).message(),
              HasSubstr("unknown scheduling method 'bohb'"));
  Options o = Budgeted();
  o.eta = 1;
  EXPECT_THAT(MakeScheduler("asha", o, FastTextSpace(), 1).message(), HasSubstr("'eta'"));
  o = Budgeted();
  o.min_epochs = 50;
  EXPECT_THAT(MakeScheduler("asha", o, FastTextSpace(), 1).message(), HasSubstr("'max_epochs'"));
  o = Budgeted();
  o.brackets = 2;
  EXPECT_THAT(MakeScheduler("sha", o, FastTextSpace(), 1).message(), HasSubstr("use hyperband"));
}

// Runs every method to the end with results in a random order and checks the
// epochs in flight plus those spent never pass the budget.
TEST(MakeScheduler, EveryMethodStaysWithinTheBudgetAndFinishes) {
  for (const char* name : {"asha-evo", "asha-tpe", "asha", "random", "sha", "hyperband"}) {
    for (job::Promotion mode : {job::Promotion::kResume, job::Promotion::kRestart}) {
      Options o;
      o.max_epochs = 9;
      o.budget_epochs = 400;
      o.promotion = mode;
      o.evolution.min_parents = 1;
      auto made = MakeScheduler(name, o, FastTextSpace(), 3);
      ASSERT_TRUE(made.ok()) << made.message();
      Scheduler& s = **made;
      std::mt19937_64 order(17);
      std::vector<job::Job> running;
      int64_t committed = 0;  // epochs of issued jobs
      double now = 0;
      for (int step = 0; step < 100000 && !s.Done(); ++step) {
        while (running.size() < 6) {
          std::optional<job::Job> job = s.Next(now);
          if (!job) break;
          committed += job->epochs_to - job->epochs_from;
          running.push_back(*job);
        }
        ASSERT_LE(committed, o.budget_epochs) << name;
        if (running.empty()) continue;  // Done() must now be true
        const size_t pick = order() % running.size();
        const job::Job job = running[pick];
        running.erase(running.begin() + static_cast<long>(pick));
        now += 1;
        s.Report(job::JobResult{.job = job.id, .trial = job.trial, .rung = job.rung,
                                .outcome = job::Outcome::kOk,
                                .metric = static_cast<double>(order() % 1000),
                                .epochs_trained = job.epochs_to - job.epochs_from, .seconds = 1,
                                .error = {}},
                 now);
      }
      EXPECT_TRUE(s.Done()) << name;
      EXPECT_TRUE(running.empty()) << name;
      EXPECT_GT(committed, o.budget_epochs - 9) << name << ": stopped with budget left";
      ASSERT_TRUE(s.best().has_value()) << name;
      EXPECT_EQ(s.best()->epochs, 9) << name;
    }
  }
}

TEST(MakeScheduler, EveryMethodNameParsesBackToItsMethod) {
  for (Method method : kMethods) {
    Result<Method> parsed = ParseMethod(MethodName(method));
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    EXPECT_EQ(*parsed, method);
  }
  EXPECT_THAT(ParseMethod("bohb").message(), HasSubstr("expected asha-evo, asha"));
}

TEST(MakeScheduler, DefaultMethodIsAshaTpe) { EXPECT_EQ(kDefaultMethod, "asha-tpe"); }

}  // namespace
}  // namespace rungs::sched
