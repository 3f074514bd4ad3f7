#include "sched/asha.h"

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "testing/spaces.h"

namespace rungs::sched {
namespace {

using testing::FastTextSpace;

// Number of coordinates in which two configurations differ (two inactive
// parameters, both NaN, are equal).
int Differences(const space::Config& a, const space::Config& b) {
  int n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += a[i] != b[i] && !(std::isnan(a[i]) && std::isnan(b[i]));
  return n;
}

Options Small(int r, int R, int eta, int64_t budget) {
  Options o;
  o.min_epochs = r;
  o.max_epochs = R;
  o.eta = eta;
  o.budget_epochs = budget;
  o.evolution.enabled = false;
  return o;
}

// Drives one scheduler by hand; `now` advances one second per call.
class Driver {
 public:
  Driver(const Options& options, int brackets = 1, uint64_t seed = 1)
      : sched_(options, brackets, FastTextSpace(), seed) {}

  job::Job Next() {
    std::optional<job::Job> job = sched_.Next(++now_);
    EXPECT_TRUE(job.has_value()) << "no job at now = " << now_;
    if (!job) return job::Job{};
    jobs_.push_back(*job);
    return *job;
  }
  bool NoJob() { return !sched_.Next(++now_).has_value(); }
  // Reports the latest job of `trial` with `metric`, training all its epochs.
  void Report(uint32_t trial, double metric, job::Outcome outcome = job::Outcome::kOk) {
    const job::Job& job = Latest(trial);
    sched_.Report(job::JobResult{.job = job.id,
                                 .trial = trial,
                                 .rung = job.rung,
                                 .outcome = outcome,
                                 .metric = metric,
                                 .epochs_trained = job.epochs_to - job.epochs_from,
                                 .error = ""},
                  ++now_);
  }
  const job::Job& Latest(uint32_t trial) const {
    for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
      if (it->trial == trial) return *it;
    }
    ADD_FAILURE() << "trial " << trial << " never had a job";
    return jobs_.front();
  }
  AshaScheduler& sched() { return sched_; }
  double now() const { return now_; }

 private:
  AshaScheduler sched_;
  std::vector<job::Job> jobs_;
  double now_ = 0;
};

// Hand-worked eta = 3 run on rungs 1, 3, 9 epochs (maximizing).
TEST(Asha, TriesTheSpacesStartsFirst) {
  Result<space::Space> space = space::Space::FromToml(R"(
[params.lr]
type = "float"
min = 0.01
max = 1.0
[[start]]
lr = 0.5
[[start]]
lr = 0.25
)", "starts.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  AshaScheduler sched(Small(1, 9, 3, 100), 1, *space, 1);
  std::vector<double> lrs;
  for (int k = 0; k < 4; ++k) {
    std::optional<job::Job> job = sched.Next(k);
    ASSERT_TRUE(job.has_value());
    lrs.push_back(job->config[0]);
  }
  EXPECT_EQ(lrs[0], 0.5);
  EXPECT_EQ(lrs[1], 0.25);
  EXPECT_NE(lrs[2], 0.5);  // then drawn at random
  EXPECT_NE(lrs[2], lrs[3]);
}

TEST(Asha, PromotesTopThirdIncludingTiesAndSmallRungs) {
  Driver d(Small(1, 9, 3, 1000));
  for (uint32_t i = 0; i < 3; ++i) {
    const job::Job job = d.Next();
    EXPECT_EQ(job.trial, i);
    EXPECT_EQ(job.rung, 0);
    EXPECT_EQ(job.epochs_from, 0);
    EXPECT_EQ(job.epochs_to, 1);
    EXPECT_DOUBLE_EQ(job.lr_scale, 1.0);
  }
  d.Report(0, 0.5);  // rung 0 has 1 < eta results: nothing to promote
  EXPECT_EQ(d.Next().trial, 3u);
  d.Report(1, 0.7);
  d.Report(2, 0.6);  // 3 results: floor(3/3) = 1, trial 1 is the top
  job::Job job = d.Next();
  EXPECT_EQ(job.trial, 1u);
  EXPECT_EQ(job.rung, 1);
  EXPECT_EQ(job.epochs_from, 1);  // resume from the rung-0 checkpoint
  EXPECT_EQ(job.epochs_to, 3);
  EXPECT_DOUBLE_EQ(job.lr_scale, 0.8);
  EXPECT_EQ(d.Next().trial, 4u);  // trial 1 already promoted: start a new one
  d.Report(3, 0.9);               // 4 results, one slot, trial 3 takes it
  EXPECT_EQ(d.Next().trial, 3u);
  d.Report(4, 0.9);               // ties trial 3 but came later
  EXPECT_EQ(d.Next().trial, 5u);
  d.Report(5, 0.9);               // 6 results, two slots: 3 and 4 (earlier than 5)
  job = d.Next();
  EXPECT_EQ(job.trial, 4u);
  EXPECT_EQ(job.rung, 1);
  EXPECT_EQ(d.Next().trial, 6u);
}

TEST(Asha, FailedNanAndInfiniteResultsCountAsWorst) {
  Driver d(Small(1, 9, 3, 1000));
  for (int i = 0; i < 4; ++i) d.Next();
  d.Report(0, 100.0, job::Outcome::kFailed);  // metric ignored
  d.Report(1, std::numeric_limits<double>::quiet_NaN());
  d.Report(3, std::numeric_limits<double>::infinity());  // not a real score
  d.Report(2, -5.0);  // 4 results, one slot: the only usable one
  const job::Job job = d.Next();
  EXPECT_EQ(job.trial, 2u);
  EXPECT_EQ(job.rung, 1);
  ASSERT_TRUE(d.sched().best().has_value());
  EXPECT_EQ(d.sched().best()->trial, 2u);
}

TEST(Asha, AllFailedRungPromotesNobody) {
  Driver d(Small(1, 9, 3, 1000));
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0, job::Outcome::kDiverged);
  const job::Job job = d.Next();
  EXPECT_EQ(job.rung, 0);
  EXPECT_EQ(job.trial, 3u);
  EXPECT_FALSE(d.sched().best().has_value());
}

TEST(Asha, MinimizesWhenAsked) {
  Options o = Small(1, 9, 3, 1000);
  o.direction = Direction::kMinimize;
  Driver d(o);
  for (int i = 0; i < 3; ++i) d.Next();
  d.Report(0, 0.5);
  d.Report(1, 0.2);
  d.Report(2, 0.9);
  EXPECT_EQ(d.Next().trial, 1u);
}

// eta = 2 on rungs 1, 2, 4: with promotable trials at rungs 0 and 1, the
// higher rung goes first.
TEST(Asha, LooksForPromotionsFromTheTopRungDown) {
  Driver d(Small(1, 4, 2, 1000));
  d.Next();
  d.Next();
  d.Report(0, 0.5);
  d.Report(1, 0.4);  // top = {0}
  EXPECT_EQ(d.Next().trial, 0u);
  d.Next();  // trial 2
  d.Next();  // trial 3
  d.Report(0, 0.8);   // rung 1: one result
  d.Report(2, 0.1);
  d.Report(3, 0.45);  // rung 0: top 2 = {0, 3}
  EXPECT_EQ(d.Next().trial, 3u);
  EXPECT_EQ(d.Next().trial, 4u);
  d.Report(4, 0.9);  // rung 0: top 2 = {4, 0}; trial 4 promotable
  d.Report(3, 0.3);  // rung 1: top 1 = {0}; trial 0 promotable
  job::Job job = d.Next();
  EXPECT_EQ(job.trial, 0u);
  EXPECT_EQ(job.rung, 2);
  EXPECT_EQ(job.epochs_from, 2);
  EXPECT_EQ(job.epochs_to, 4);
  EXPECT_DOUBLE_EQ(job.lr_scale, 0.64);
  job = d.Next();
  EXPECT_EQ(job.trial, 4u);
  EXPECT_EQ(job.rung, 1);
}

TEST(Asha, ResumeModeBudgetStopsExactlyAtTheLimit) {
  Driver d(Small(1, 9, 3, 5));
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0.1 * i);
  const job::Job job = d.Next();  // resume: 1 -> 3 costs 2, total 5
  EXPECT_EQ(job.trial, 2u);
  EXPECT_EQ(job.epochs_from, 1);
  EXPECT_TRUE(d.NoJob());  // nothing fits, not even a 1-epoch trial
  EXPECT_FALSE(d.sched().Done());
  d.Report(2, 0.5);
  EXPECT_EQ(d.sched().budget().spent(), 5);
  EXPECT_TRUE(d.NoJob());
  EXPECT_TRUE(d.sched().Done());
}

TEST(Asha, RestartModePromotionCostsTheWholeRung) {
  Options o = Small(1, 9, 3, 5);
  o.promotion = job::Promotion::kRestart;
  Driver d(o);
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0.1 * i);
  // Retraining trial 2 to 3 epochs costs 3 > 2 left; two new trials fit.
  job::Job job = d.Next();
  EXPECT_EQ(job.rung, 0);
  EXPECT_EQ(job.trial, 3u);
  d.Next();
  EXPECT_TRUE(d.NoJob());
  // A job that stops early gives back what it did not use.
  d.sched().Report(job::JobResult{.job = d.Latest(3).id, .trial = 3, .metric = 0.0,
                                  .epochs_trained = 0, .error = {}},
                   d.now() + 1);
  EXPECT_EQ(d.sched().budget().spent(), 3);
  EXPECT_EQ(d.sched().budget().reserved(), 1);
  job = d.Next();  // 3 + 1 + 1 fits; the promotion (3) still does not
  EXPECT_EQ(job.rung, 0);
  EXPECT_EQ(job.trial, 5u);
  EXPECT_TRUE(d.NoJob());
}

TEST(Asha, APromotionWhoseCheckpointIsLostReservesTheWholeRung) {
  Driver d(Small(1, 9, 3, 5));
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0.1 * i);
  d.sched().CheckpointsLost();
  // Trial 2 may retrain 1 -> 3 from scratch: 3 + 3 > 5; two new trials fit.
  EXPECT_EQ(d.Next().rung, 0);
  EXPECT_EQ(d.Next().rung, 0);
  EXPECT_TRUE(d.NoJob());

  Driver roomy(Small(1, 9, 3, 6));
  for (int i = 0; i < 3; ++i) roomy.Next();
  for (uint32_t i = 0; i < 3; ++i) roomy.Report(i, 0.1 * i);
  roomy.sched().CheckpointsLost();
  const job::Job job = roomy.Next();
  EXPECT_EQ(job.trial, 2u);
  EXPECT_EQ(job.epochs_from, 1);  // a checkpoint spilled to disk still serves
  EXPECT_EQ(roomy.sched().budget().reserved(), 3);
  EXPECT_TRUE(roomy.NoJob());
  roomy.Report(2, 0.5);  // it resumed after all: 2 epochs
  EXPECT_EQ(roomy.sched().budget().spent(), 5);
  EXPECT_EQ(roomy.sched().budget().reserved(), 0);
}

TEST(Asha, ARunningPromotionWhoseCheckpointIsLostReservesTheWholeRung) {
  Driver d(Small(1, 9, 3, 100));
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0.1 * i);
  const job::Job promotion = d.Next();
  EXPECT_EQ(promotion.rung, 1);
  const job::Job fresh = d.Next();
  EXPECT_EQ(fresh.rung, 0);
  EXPECT_EQ(d.sched().budget().reserved(), 2 + 1);
  d.sched().CheckpointsLost();  // both run again; only the promotion may cost more
  EXPECT_EQ(d.sched().budget().reserved(), 3 + 1);
  d.Report(promotion.trial, 0.5);
  d.Report(fresh.trial, 0.5);
  EXPECT_EQ(d.sched().budget().reserved(), 0);
  EXPECT_EQ(d.sched().budget().spent(), 3 + 2 + 1);
}

TEST(Asha, ProgressIsTheSpentShareOfTheBudget) {
  Driver d(Small(1, 9, 3, 10));
  for (int i = 0; i < 4; ++i) d.Next();
  EXPECT_DOUBLE_EQ(d.sched().Progress(d.now()), 0.0);  // reserved, not spent
  d.Report(0, 0.5);
  d.Report(1, 0.5);
  EXPECT_DOUBLE_EQ(d.sched().Progress(d.now()), 0.2);
}

TEST(Asha, RestartModePromotionStartsFromScratch) {
  Options o = Small(1, 9, 3, 100);
  o.promotion = job::Promotion::kRestart;
  Driver d(o);
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0.1 * i);
  const job::Job job = d.Next();
  EXPECT_EQ(job.rung, 1);
  EXPECT_EQ(job.epochs_from, 0);
  EXPECT_EQ(job.epochs_to, 3);
  EXPECT_EQ(d.sched().budget().reserved(), 3);
}

TEST(Asha, NewTrialsGoToBracketsRoundRobin) {
  Driver d(Small(1, 9, 3, 1000), 3);
  const int expected_to[] = {1, 3, 9};
  for (int i = 0; i < 6; ++i) {
    const job::Job job = d.Next();
    EXPECT_EQ(job.bracket, i % 3);
    EXPECT_EQ(job.rung, 0);
    EXPECT_EQ(job.epochs_to, expected_to[i % 3]);
  }
}

TEST(Asha, BracketWhoseBottomRungDoesNotFitIsSkipped) {
  Driver d(Small(1, 9, 3, 3), 2);  // bottom rungs: 1 and 3 epochs
  EXPECT_EQ(d.Next().bracket, 0);
  EXPECT_EQ(d.Next().bracket, 0);  // bracket 1 would need 3 of the 2 left
  EXPECT_EQ(d.Next().bracket, 0);
  EXPECT_TRUE(d.NoJob());
}

TEST(Asha, WorkerNeverWaitsWhileBudgetRemains) {
  Driver d(Small(1, 27, 3, 1'000'000), 2);
  for (int i = 0; i < 500; ++i) d.Next();  // no result at all yet
  EXPECT_EQ(d.sched().outstanding(), 500u);
}

TEST(Asha, MaxTrialsAndWallClockStopNewWork) {
  Options o = Small(1, 9, 3, 0);
  o.max_trials = 3;
  o.max_seconds = 100;
  AshaScheduler s(o, 1, FastTextSpace(), 1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.Next(1).has_value());
  EXPECT_FALSE(s.Next(2).has_value());
  for (uint32_t i = 0; i < 3; ++i) {
    s.Report(
        job::JobResult{.job = i, .trial = i, .metric = 1.0 * i, .epochs_trained = 1, .error = {}},
        3);
  }
  EXPECT_FALSE(s.Next(100).has_value());  // the promotion would start too late
  EXPECT_TRUE(s.Done());
  const std::optional<job::Job> job = s.Next(99);  // earlier `now`: still allowed
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->trial, 2u);
}

TEST(Asha, IgnoresResultsForJobsNotOutstanding) {
  Driver d(Small(1, 9, 3, 1000));
  const job::Job job = d.Next();
  d.sched().Report(
      job::JobResult{.job = job.id + 7, .trial = job.trial, .metric = 1, .error = {}}, 2);
  d.sched().Report(job::JobResult{.job = job.id, .trial = 99, .metric = 1, .error = {}}, 2);
  EXPECT_EQ(d.sched().outstanding(), 1u);
  d.Report(0, 1.0);
  d.Report(0, 2.0);  // a duplicate of the same job
  EXPECT_EQ(d.sched().outstanding(), 0u);
  EXPECT_DOUBLE_EQ(d.sched().best()->metric, 1.0);
}

TEST(Asha, BestPrefersTheHighestRungThenTheMetric) {
  Driver d(Small(1, 9, 3, 1000));
  for (int i = 0; i < 3; ++i) d.Next();
  d.Report(0, 0.9);
  d.Report(1, 0.3);
  d.Report(2, 0.2);
  EXPECT_EQ(d.sched().best()->trial, 0u);
  d.Next();  // trial 0 to rung 1
  d.Report(0, 0.1);  // worse metric, higher rung
  const Best best = *d.sched().best();
  EXPECT_EQ(best.trial, 0u);
  EXPECT_EQ(best.rung, 1);
  EXPECT_EQ(best.epochs, 3);
  EXPECT_DOUBLE_EQ(best.metric, 0.1);
  EXPECT_EQ(Differences(best.config, d.Latest(0).config), 0);
}

// PASHA on rungs 1, 3, 9, 27: promotions stop at rung 1 while rungs 1 and 0
// rank their trials alike, and reach rung 2 once they do not.
TEST(Asha, PashaTrainsNoHigherThanItsTopRungUntilTheRankingChanges) {
  Options o = Small(1, 27, 3, 10000);
  o.pasha.enabled = true;
  Driver d(o);
  for (int i = 0; i < 9; ++i) d.Next();
  for (uint32_t i = 0; i < 9; ++i) d.Report(i, 0.1 * i);  // top third: 8, 7, 6
  for (uint32_t trial : {8u, 7u, 6u}) {
    const job::Job job = d.Next();
    EXPECT_EQ(job.trial, trial);
    EXPECT_EQ(job.rung, 1);
  }
  EXPECT_EQ(d.Next().trial, 9u);
  d.Report(8, 0.9);
  d.Report(7, 0.8);
  d.Report(6, 0.7);  // the same order as at rung 0
  EXPECT_EQ(d.sched().TopRung(0), 1);
  // Trial 8 is promotable from rung 1, but rung 2 is above PASHA's top.
  job::Job job = d.Next();
  EXPECT_EQ(job.trial, 10u);
  EXPECT_EQ(job.rung, 0);
  d.Report(9, 0.95);  // best at rung 0 ...
  job = d.Next();
  EXPECT_EQ(job.trial, 9u);
  EXPECT_EQ(job.rung, 1);
  d.Report(9, 0.5);   // ... worst at rung 1: the ranking changed
  EXPECT_EQ(d.sched().TopRung(0), 2);
  job = d.Next();
  EXPECT_EQ(job.trial, 8u);
  EXPECT_EQ(job.rung, 2);
  EXPECT_EQ(job.epochs_from, 3);
  EXPECT_EQ(job.epochs_to, 9);
}

// With the model on (probability 1), once rung 0 has min_points results the
// new trials follow the good ones: a small lr scored well, so later trials
// stay among small lrs.
TEST(Asha, ModelProposalsFollowTheGoodResults) {
  Options o = Small(1, 9, 3, 100000);
  o.model.enabled = true;
  o.model.probability = Schedule{1, 1, Shape::kConstant};
  Driver d(o);
  ASSERT_NE(d.sched().model(), nullptr);
  const int first = d.sched().model()->min_points() * 3;
  for (int i = 0; i < first; ++i) d.Next();
  for (uint32_t i = 0; i < static_cast<uint32_t>(first); ++i) {
    d.Report(i, -std::log(d.Latest(i).config[0]));  // lr in [0.01, 2], log scale
  }
  ASSERT_TRUE(d.sched().model()->ready());
  int small = 0;
  for (int i = 0; i < 20; ++i) {
    job::Job job = d.Next();
    while (job.rung > 0) job = d.Next();  // promotions of the first trials
    EXPECT_TRUE(FastTextSpace().Contains(job.config));
    small += job.config[0] < 0.05;
  }
  EXPECT_GE(small, 15);  // a random lr is below 0.05 in 30% of draws
}

Options Evolving(bool enabled) {
  Options o = Small(1, 3, 3, 1000);  // rungs 1 and 3 (the top)
  o.evolution.enabled = enabled;
  o.evolution.probability = Schedule{1, 1, Shape::kConstant};
  o.evolution.params = Schedule{1, 1, Shape::kConstant};
  o.evolution.min_parents = 1;
  return o;
}

// Runs three bottom-rung trials, promotes trial 2 and starts trial 3
// while the top rung is still empty.
void ReachTopRung(Driver& d) {
  for (int i = 0; i < 3; ++i) d.Next();
  for (uint32_t i = 0; i < 3; ++i) d.Report(i, 0.1 * i);
  EXPECT_EQ(d.Next().trial, 2u);
}

TEST(Asha, EvolutionWaitsForTheTopRung) {
  Driver d(Evolving(true));
  ReachTopRung(d);
  const job::Job early = d.Next();  // top rung empty: drawn at random
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_GE(Differences(early.config, d.Latest(i).config), 3);
  }
  d.Report(2, 0.5);  // trial 2 is the top rung's only member
  // One parameter moves (an int may round back to its value), plus at most
  // one it switches on or repairs; a random draw differs in three or more.
  int moved = 0;
  for (int i = 0; i < 5; ++i) {
    const job::Job child = d.Next();
    const int differences = Differences(child.config, d.Latest(2).config);
    EXPECT_LE(differences, 2);
    moved += differences > 0;
    EXPECT_TRUE(FastTextSpace().Contains(child.config));
  }
  EXPECT_GT(moved, 0);
}

TEST(Asha, EvolutionSwitchedOnByHand) {
  Driver d(Evolving(false));
  ReachTopRung(d);
  d.Report(2, 0.5);
  const job::Job random = d.Next();
  EXPECT_GE(Differences(random.config, d.Latest(2).config), 3);
  EXPECT_TRUE(d.sched().EnableEvolution(d.now()).ok());
  const job::Job child = d.Next();
  EXPECT_LE(Differences(child.config, d.Latest(2).config), 2);
}

// A small simulation: `workers` jobs in flight, results in a random order,
// the metric a smooth function of the configuration.
std::vector<job::Job> Simulate(std::unique_ptr<AshaScheduler> sched, int workers, int steps,
                               uint64_t order_seed) {
  std::mt19937_64 order(order_seed);
  std::vector<job::Job> issued;
  std::vector<job::Job> running;
  double now = 0;
  for (int step = 0; step < steps; ++step) {
    while (static_cast<int>(running.size()) < workers) {
      std::optional<job::Job> job = sched->Next(now);
      if (!job) break;
      issued.push_back(*job);
      running.push_back(*job);
    }
    if (running.empty()) break;
    if (step == steps / 2) {
      EXPECT_TRUE(sched->EnableEvolution(now).ok());
    }
    const size_t pick = order() % running.size();
    const job::Job job = running[pick];
    running.erase(running.begin() + static_cast<long>(pick));
    const double metric = -std::pow(std::log10(job.config[0]) + 1, 2) - job.config[1] +
                          0.01 * job.epochs_to;
    const job::Outcome outcome = order() % 10 == 0 ? job::Outcome::kFailed : job::Outcome::kOk;
    now += 0.5;
    sched->Report(job::JobResult{.job = job.id, .trial = job.trial, .rung = job.rung,
                                 .outcome = outcome, .metric = metric,
                                 .epochs_trained = job.epochs_to - job.epochs_from, .error = {}},
                  now);
  }
  return issued;
}

std::unique_ptr<AshaScheduler> Make(uint64_t seed, bool evolve, bool crossover = false) {
  Options o = Small(1, 27, 3, 3000);
  o.evolution.enabled = evolve;
  o.evolution.min_parents = 2;
  o.evolution.crossover = crossover;
  return std::make_unique<AshaScheduler>(o, 2, FastTextSpace(), seed);
}

TEST(Asha, SameSeedSameDecisions) {
  const std::vector<job::Job> a = Simulate(Make(42, false), 8, 600, 9);
  const std::vector<job::Job> b = Simulate(Make(42, false), 8, 600, 9);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].trial, b[i].trial);
    EXPECT_EQ(a[i].bracket, b[i].bracket);
    EXPECT_EQ(a[i].rung, b[i].rung);
    EXPECT_EQ(Differences(a[i].config, b[i].config), 0);
  }
  const std::vector<job::Job> c = Simulate(Make(43, false), 8, 600, 9);
  EXPECT_GT(Differences(a[0].config, c[0].config), 0);
}

TEST(Asha, EvolvedChildrenStayInsideTheSpace) {
  const std::vector<job::Job> jobs = Simulate(Make(5, true, true), 8, 1500, 3);
  const space::Space space = FastTextSpace();
  int top = 0;
  for (const job::Job& job : jobs) {
    EXPECT_TRUE(space.Contains(job.config)) << "job " << job.id;
    top += job.epochs_to == 27;
  }
  EXPECT_GT(top, 5);  // the run reached the top rung, so evolution ran
}

}  // namespace
}  // namespace rungs::sched
