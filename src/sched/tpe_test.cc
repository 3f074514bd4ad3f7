#include "sched/tpe.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/spaces.h"

namespace rungs::sched {
namespace {

space::Space Line() {
  return std::move(space::Space::Create({space::Param::Float("x", 0, 1)})).value();
}

constexpr double kInfinity = std::numeric_limits<double>::infinity();
const auto kNothingRunning = [](uint32_t) { return false; };

// Records a result of configuration {x} at level 0 scoring `score`.
class Recorder {
 public:
  explicit Recorder(Tpe& tpe) : tpe_(tpe) {}
  void Add(const space::Config& config, double score) {
    tpe_.Record(0, Rank{score, seq_, seq_}, config);
    ++seq_;
  }

 private:
  Tpe& tpe_;
  uint32_t seq_ = 0;
};

TEST(Tpe, WaitsForEnoughResultsAtALevelAndUsesTheHighest) {
  const space::Space space = Line();
  Tpe tpe(ModelOptions{}, space, 3);
  EXPECT_EQ(tpe.min_points(), 3);  // one free parameter + 2
  for (uint32_t i = 0; i < 2; ++i) tpe.Record(2, Rank{0, i, i}, {0.5});
  for (uint32_t i = 2; i < 4; ++i) tpe.Record(1, Rank{0, i, i}, {0.5});
  EXPECT_FALSE(tpe.ready());
  tpe.Record(0, Rank{0, 4, 4}, {0.5});
  tpe.Record(0, Rank{0, 5, 5}, {0.5});
  tpe.Record(0, Rank{0, 6, 6}, {0.5});
  EXPECT_EQ(tpe.Source(), 0);
  tpe.Record(2, Rank{0, 7, 7}, {0.5});
  EXPECT_EQ(tpe.Source(), 2);
}

// Three good results near 0.8 among 17 worse ones spread over the line:
// every proposal lands in the good region.
TEST(Tpe, ProposesInTheRegionOfTheGoodResults) {
  const space::Space space = Line();
  Tpe tpe(ModelOptions{}, space, 1);
  Recorder r(tpe);
  for (double x : {0.78, 0.80, 0.82}) r.Add({x}, -1.0);
  for (int i = 0; i < 17; ++i) r.Add({0.03 + 0.04 * i}, 0.0);  // 0.03 .. 0.67
  std::mt19937_64 rng(7);
  double sum = 0;
  for (int n = 0; n < 100; ++n) {
    const double x = tpe.Propose(rng, kNothingRunning)[0];
    EXPECT_GT(x, 0.65);
    EXPECT_LT(x, 0.95);
    sum += x;
  }
  EXPECT_NEAR(sum / 100, 0.8, 0.03);
}

// Good results in two places, bad ones piled up around one of them: the
// ratio good / bad sends proposals to the other place.
TEST(Tpe, AvoidsGoodPointsWhereTheBadOnesCrowd) {
  const space::Space space = Line();
  Tpe tpe(ModelOptions{}, space, 1);
  Recorder r(tpe);
  for (double x : {0.29, 0.30, 0.31}) r.Add({x}, -1.0);  // good, at 0.3
  for (double x : {0.69, 0.70, 0.71}) r.Add({x}, -1.0);  // good, at 0.7
  for (int i = 0; i < 34; ++i) r.Add({0.2 + 0.2 * i / 33.0}, 0.0);  // bad, 0.2 .. 0.4
  std::mt19937_64 rng(8);
  for (int n = 0; n < 50; ++n) {
    const double x = tpe.Propose(rng, kNothingRunning)[0];
    EXPECT_GT(x, 0.55) << "proposal " << n;
  }
}

TEST(Tpe, FailedResultsCountAsBad) {
  const space::Space space = Line();
  Tpe tpe(ModelOptions{}, space, 1);
  Recorder r(tpe);
  // Good results at 0.3 and 0.7; every failure is near 0.7.
  for (double x : {0.29, 0.30, 0.31, 0.69, 0.70, 0.71}) r.Add({x}, -1.0);
  for (int i = 0; i < 34; ++i) r.Add({0.6 + 0.2 * i / 33.0}, kInfinity);
  std::mt19937_64 rng(9);
  for (int n = 0; n < 50; ++n) EXPECT_LT(tpe.Propose(rng, kNothingRunning)[0], 0.45);
}

TEST(Tpe, ProposesTheChoiceOfTheGoodResults) {
  const space::Space space =
      std::move(space::Space::Create({space::Param::Choice(
                    "loss", {std::string("softmax"), std::string("ns"), std::string("hs")})}))
          .value();
  Tpe tpe(ModelOptions{}, space, 1);
  Recorder r(tpe);
  for (int i = 0; i < 6; ++i) r.Add({2}, -1.0);  // hs is good
  for (int i = 0; i < 34; ++i) r.Add({static_cast<double>(i % 2)}, 0.0);
  std::mt19937_64 rng(10);
  for (int n = 0; n < 50; ++n) EXPECT_EQ(tpe.Propose(rng, kNothingRunning)[0], 2);
}

// One good region: without pending trials every proposal sits on it; with
// the proposals still running counted as bad, later ones move away from
// the earlier ones, so they spread several times wider.
TEST(Tpe, RunningTrialsPushProposalsApart) {
  const space::Space space = Line();
  auto spread = [&space](int pending) {
    ModelOptions options;
    options.pending = pending;
    Tpe tpe(options, space, 1);
    Recorder r(tpe);
    for (double x : {0.49, 0.50, 0.51}) r.Add({x}, -1.0);
    for (int i = 0; i < 17; ++i) r.Add({0.02 + 0.06 * i}, 0.0);
    std::mt19937_64 rng(11);
    std::vector<double> xs;
    for (uint32_t trial = 100; trial < 120; ++trial) {
      const space::Config config = tpe.Propose(rng, [](uint32_t) { return true; });
      tpe.Started(trial, config);
      xs.push_back(config[0]);
    }
    double mean = 0, squares = 0;
    for (double x : xs) mean += x / xs.size();
    for (double x : xs) squares += (x - mean) * (x - mean) / xs.size();
    return std::sqrt(squares);
  };
  const double alone = spread(0);
  const double apart = spread(64);
  EXPECT_LT(alone, 0.005);
  EXPECT_GT(apart, 3 * alone);
}

TEST(Tpe, OnlyTrialsStillRunningTheirFirstJobArePending) {
  const space::Space space = Line();
  ModelOptions options;
  options.candidates = 64;
  options.pending = 64;
  Tpe with_finished(options, space, 1);
  Tpe without(options, space, 1);
  for (Tpe* tpe : {&with_finished, &without}) {
    Recorder r(*tpe);
    for (double x : {0.49, 0.50, 0.51}) r.Add({x}, -1.0);
    for (int i = 0; i < 17; ++i) r.Add({0.02 + 0.06 * i}, 0.0);
  }
  for (uint32_t trial = 0; trial < 20; ++trial) with_finished.Started(trial, {0.5});
  std::mt19937_64 a(12), b(12);
  for (int n = 0; n < 10; ++n) {
    EXPECT_EQ(with_finished.Propose(a, kNothingRunning), without.Propose(b, kNothingRunning));
  }
}

TEST(Tpe, ProposalsStayInsideASpaceWithConditionsAndConstraints) {
  const space::Space space = testing::FastTextSpace();
  ModelOptions options;
  options.window = 64;
  Tpe tpe(options, space, 2);
  std::mt19937_64 rng(13);
  for (uint32_t i = 0; i < 200; ++i) {
    const space::Config config = i < 40 ? space.Sample(rng) : tpe.Propose(rng, kNothingRunning);
    ASSERT_TRUE(space.Contains(config)) << space.ToJson(config).dump();
    // Small lr and a softmax loss are good; the rest is noise.
    const double score = config[0] + (config[3] == 0 ? -1 : 0);
    tpe.Record(i % 2, Rank{score, i, i}, config);
    tpe.Started(i, config);
  }
}

TEST(Tpe, SameSeedAndCallsGiveTheSameProposals) {
  const space::Space space = testing::FastTextSpace();
  auto run = [&space](uint64_t seed) {
    Tpe tpe(ModelOptions{}, space, 1);
    std::mt19937_64 rng(seed);
    std::vector<space::Config> proposals;
    for (uint32_t i = 0; i < 60; ++i) {
      const space::Config config = tpe.ready() ? tpe.Propose(rng, kNothingRunning)
                                               : space.Sample(rng);
      proposals.push_back(config);
      tpe.Record(0, Rank{config[1], i, i}, config);
    }
    return proposals;
  };
  auto same = [](const std::vector<space::Config>& a, const std::vector<space::Config>& b) {
    for (size_t i = 0; i < a.size(); ++i) {
      for (size_t j = 0; j < a[i].size(); ++j) {
        const bool equal = a[i][j] == b[i][j] || (std::isnan(a[i][j]) && std::isnan(b[i][j]));
        if (!equal) return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(same(run(5), run(5)));
  EXPECT_FALSE(same(run(5), run(6)));
}

}  // namespace
}  // namespace rungs::sched
