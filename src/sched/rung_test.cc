#include "sched/rung.h"

#include <limits>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace rungs::sched {
namespace {

// Adds results in arrival order (seq is the arrival index) and plays the
// scheduler's part: a trial is closed once taken or when its result failed.
class RungTest : public ::testing::Test {
 protected:
  void Add(uint32_t trial, double score, bool usable = true) {
    if (!usable) closed_.insert(trial);
    rung_.Add(Rank{score, seq_++, trial}, [this](uint32_t id) { return closed_.count(id) > 0; });
  }
  uint32_t TakeBest() {
    const uint32_t trial = rung_.TakeBest();
    closed_.insert(trial);
    return trial;
  }
  Rung rung_{3};
  uint32_t seq_ = 0;
  std::set<uint32_t> closed_;
};

TEST_F(RungTest, FewerThanEtaResultsPromoteNobody) {
  Add(0, 0.5);
  Add(1, 0.1);
  EXPECT_FALSE(rung_.has_promotable());
}

TEST_F(RungTest, PromotesOnlyTopThird) {
  // Scores are "lower is better". After three results the best of them (trial
  // 1) is the floor(3/3) = 1 promotable member.
  Add(0, 0.5);
  Add(1, 0.1);
  Add(2, 0.3);
  ASSERT_TRUE(rung_.has_promotable());
  EXPECT_EQ(rung_.best_promotable().trial, 1u);
  EXPECT_EQ(TakeBest(), 1u);
  EXPECT_FALSE(rung_.has_promotable());
  // Fourth and fifth results: floor(5/3) = 1 still, and trial 1 keeps the
  // slot even though trial 3 is close.
  Add(3, 0.2);
  Add(4, 0.9);
  EXPECT_FALSE(rung_.has_promotable());
  // Sixth: floor(6/3) = 2, so the second best (trial 3) becomes promotable.
  Add(5, 0.8);
  ASSERT_TRUE(rung_.has_promotable());
  EXPECT_EQ(TakeBest(), 3u);
  EXPECT_FALSE(rung_.has_promotable());
}

TEST_F(RungTest, BetterLateResultDisplacesUnpromotedTopMember) {
  Add(0, 0.5);
  Add(1, 0.4);
  Add(2, 0.6);  // top = {1}
  EXPECT_EQ(rung_.best_promotable().trial, 1u);
  Add(3, 0.1);  // n = 4, still one slot: trial 3 takes it from trial 1
  EXPECT_EQ(rung_.best_promotable().trial, 3u);
  EXPECT_EQ(TakeBest(), 3u);
  EXPECT_FALSE(rung_.has_promotable());
}

TEST_F(RungTest, PromotedMemberPushedOutAndBackIsNotPromotedTwice) {
  Add(0, 0.5);
  Add(1, 0.6);
  Add(2, 0.7);
  EXPECT_EQ(TakeBest(), 0u);
  Add(3, 0.1);  // trial 3 displaces trial 0 from the single slot
  Add(4, 0.9);
  Add(5, 0.9);  // n = 6: two slots, trial 0 comes back
  ASSERT_TRUE(rung_.has_promotable());
  EXPECT_EQ(TakeBest(), 3u);
  EXPECT_FALSE(rung_.has_promotable());
}

TEST_F(RungTest, TiesGoToTheEarlierResult) {
  Add(7, 0.3);
  Add(8, 0.3);
  Add(9, 0.3);
  EXPECT_EQ(TakeBest(), 7u);
  Add(10, 0.3);
  Add(11, 0.3);
  Add(12, 0.3);
  EXPECT_EQ(TakeBest(), 8u);
}

TEST_F(RungTest, UnusableResultsRankWorstAndAreNeverPromoted) {
  const double worst = std::numeric_limits<double>::infinity();
  Add(0, worst, false);
  Add(1, worst, false);
  Add(2, worst, false);
  EXPECT_FALSE(rung_.has_promotable());
  Add(3, 5.0);  // any usable result beats a failure
  ASSERT_TRUE(rung_.has_promotable());
  EXPECT_EQ(TakeBest(), 3u);
}

TEST(Rung, EtaTwoPromotesHalf) {
  Rung rung(2);
  std::set<uint32_t> taken;
  std::vector<uint32_t> promoted;
  const double scores[] = {4, 3, 2, 1};
  for (uint32_t i = 0; i < 4; ++i) {
    rung.Add(Rank{scores[i], i, i}, [&taken](uint32_t id) { return taken.count(id) > 0; });
    while (rung.has_promotable()) {
      promoted.push_back(rung.TakeBest());
      taken.insert(promoted.back());
    }
  }
  // Each arrival is the best so far: after 2 results top = {1}; after 3,
  // top = {2} (one slot, trial 1 pushed out); after 4, top = {3, 2}.
  EXPECT_EQ(promoted, (std::vector<uint32_t>{1, 2, 3}));
}

}  // namespace
}  // namespace rungs::sched
