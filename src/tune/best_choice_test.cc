#include "tune/best_choice.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace rungs::tune {
namespace {

TEST(ExpectedMaxOfNormals, MatchesTheKnownValues) {
  EXPECT_EQ(ExpectedMaxOfNormals(1), 0);
  EXPECT_NEAR(ExpectedMaxOfNormals(2), 1 / std::sqrt(M_PI), 1e-6);
  EXPECT_NEAR(ExpectedMaxOfNormals(3), 1.5 / std::sqrt(M_PI), 1e-6);
  EXPECT_NEAR(ExpectedMaxOfNormals(10), 1.538753, 1e-5);  // tables of normal order statistics
  EXPECT_NEAR(ExpectedMaxOfNormals(100), 2.507594, 1e-5);
}

// `count` results at `epochs`: one at `best`, the rest 0.1 lower.
void Level(std::vector<Scored>& results, int epochs, int count, double best) {
  results.push_back({epochs, best});
  for (int i = 1; i < count; ++i) results.push_back({epochs, best - 0.1});
}

TEST(BestOfEachTrial, TakesEachTrialOnceInRankOrder) {
  // Trial 7's two results rank first and third: it counts once.
  const std::vector<Scored> results = {{9, 0.80}, {9, 0.90}, {9, 0.85}, {9, 0.70}};
  const std::vector<uint32_t> trials = {7, 7, 8, 9};
  EXPECT_EQ(BestOfEachTrial(results, trials, true, 0, 2), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(BestOfEachTrial(results, trials, true, 0, 5), (std::vector<size_t>{1, 2, 3}));
  EXPECT_EQ(BestOfEachTrial(results, trials, false, 0, 1), (std::vector<size_t>{3}));
}

// It sorts only as far as it reads, and must still give RankBest's order,
// ties included (many equal metrics, the same trial many times).
TEST(BestOfEachTrial, IsTheFirstTrialsOfRankBestsOrder) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<Scored> results;
    std::vector<uint32_t> trials;
    const size_t n = rng() % 60;
    for (size_t i = 0; i < n; ++i) {
      results.push_back({int(3 * (1 + rng() % 3)), double(rng() % 5) / 5});
      trials.push_back(uint32_t(rng() % 12));
    }
    const bool maximize = rng() % 2 == 0;
    const int64_t rows = (rng() % 2) * 300;
    for (size_t count : {size_t{0}, size_t{1}, size_t{3}, size_t{20}}) {
      std::vector<size_t> expected;
      std::set<uint32_t> seen;
      for (size_t i : RankBest(results, maximize, rows)) {
        if (expected.size() < count && seen.insert(trials[i]).second) expected.push_back(i);
      }
      EXPECT_EQ(BestOfEachTrial(results, trials, maximize, rows, count), expected);
    }
  }
}

TEST(ChooseBest, WithoutANoiseScaleMostEpochsWinThenTheBestMetric) {
  std::vector<Scored> results = {{3, 0.9}, {9, 0.7}, {27, 0.6}, {27, 0.65}, {9, 0.8}};
  EXPECT_EQ(ChooseBest(results, true, 0), 3u);
  EXPECT_EQ(ChooseBest(results, false, 0), 2u);
}

TEST(ChooseBest, ABottomRungWinnerWithinItsNoiseLosesToTheTopRung) {
  // 300 rows: an accuracy's standard error is about 2.3 points, and the best
  // of 243 equally good results is about 2.8 of them above its truth.
  std::vector<Scored> results;
  Level(results, 1, 243, 0.80);
  Level(results, 27, 3, 0.79);
  EXPECT_EQ(results[ChooseBest(results, true, 300)].epochs, 27);
}

TEST(ChooseBest, ALowerRungBetterBeyondItsNoiseWins) {
  // What "most epochs first" got wrong: 7 points at 300 rows is not noise.
  std::vector<Scored> results;
  Level(results, 9, 9, 0.86);
  Level(results, 27, 3, 0.79);
  EXPECT_EQ(results[ChooseBest(results, true, 300)].epochs, 9);
  EXPECT_EQ(results[ChooseBest(results, true, 0)].epochs, 27);
}

TEST(ChooseBest, ALargeValidationSetMakesItTheBestMetric) {
  std::vector<Scored> results;
  Level(results, 1, 243, 0.80);
  Level(results, 27, 3, 0.79);
  EXPECT_EQ(results[ChooseBest(results, true, 10'000'000)].epochs, 1);
}

TEST(RankBest, OrdersEveryResultByTheSameRuleAsChooseBest) {
  std::vector<Scored> results = {{3, 0.9}, {9, 0.7}, {27, 0.6}, {27, 0.65}, {9, 0.8}};
  EXPECT_EQ(RankBest(results, true, 0), (std::vector<size_t>{3, 2, 4, 1, 0}));
  EXPECT_EQ(RankBest(results, true, 100'000'000), (std::vector<size_t>{0, 4, 1, 3, 2}));
  for (int64_t rows : {0, 300}) {
    EXPECT_EQ(RankBest(results, true, rows).front(), ChooseBest(results, true, rows));
  }
}

TEST(ChooseBest, TiesGoToMoreEpochsThenTheFirst) {
  std::vector<Scored> results = {{9, 0.5}, {27, 0.5}};
  EXPECT_EQ(ChooseBest(results, true, 100), 1u);
  results = {{27, 0.7}, {27, 0.7}};
  EXPECT_EQ(ChooseBest(results, true, 100), 0u);
}

// A successive-halving search (243 trials at 1 epoch, the best third going
// on to 3, 9 and 27) measured on n validation rows: each result is a binomial
// draw of its true accuracy. Half the searches overfit (the true accuracy
// falls after 9 epochs). Returns the mean true accuracy of what each rule
// chooses: the noise allowance, the best metric, and most epochs first.
struct Means {
  double allowance = 0, best_metric = 0, most_epochs = 0;
};
Means SimulatedSearches(int64_t n, int searches) {
  Means means;
  for (int seed = 1; seed <= searches; ++seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> quality(0.55, 0.80);
    const bool overfits = seed % 2 == 0;
    auto truth = [&](double q, int epochs) {
      const double gain = 0.02 * std::log(double(epochs)) / std::log(27.0);
      return q + (overfits && epochs == 27 ? -0.04 : gain);
    };
    auto measure = [&](double p) {
      return std::binomial_distribution<int64_t>(n, p)(rng) / double(n);
    };
    std::vector<double> q(243);
    for (double& x : q) x = quality(rng);
    std::vector<size_t> alive(q.size());
    for (size_t i = 0; i < alive.size(); ++i) alive[i] = i;
    std::vector<Scored> results;
    std::vector<double> truths;
    for (int epochs = 1; epochs <= 27; epochs *= 3) {
      std::vector<std::pair<double, size_t>> level;
      for (size_t t : alive) {
        const double m = measure(truth(q[t], epochs));
        results.push_back({epochs, m});
        truths.push_back(truth(q[t], epochs));
        level.push_back({m, t});
      }
      std::sort(level.rbegin(), level.rend());
      alive.clear();
      for (size_t i = 0; i < level.size() / 3; ++i) alive.push_back(level[i].second);
    }
    size_t by_metric = 0;
    for (size_t i = 1; i < results.size(); ++i) {
      if (results[i].metric > results[by_metric].metric) by_metric = i;
    }
    means.allowance += truths[ChooseBest(results, true, n)] / searches;
    means.best_metric += truths[by_metric] / searches;
    means.most_epochs += truths[ChooseBest(results, true, 0)] / searches;
  }
  return means;
}

TEST(ChooseBest, OnSmallValidationSetsTheAllowanceChoosesBetterModelsThanEitherOldRule) {
  Means small = SimulatedSearches(300, 400);
  EXPECT_GT(small.allowance, small.best_metric);
  EXPECT_GT(small.allowance, small.most_epochs);
}

}  // namespace
}  // namespace rungs::tune
