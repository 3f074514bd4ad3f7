#include "tune/cross_check.h"

#include <gtest/gtest.h>

#include "testing/files.h"
#include "testing/sample_data.h"
#include "testing/spaces.h"
#include "testing/temp_dir.h"
#include "tune/best_model.h"

namespace rungs::tune {
namespace {

constexpr char kSpace[] = R"(
[params.lr]
type = "float"
min = 0.00001
max = 1.0
scale = "log"
[params.dim]
type = "int"
min = 4
max = 24
)";

// A search whose journal ranks a configuration that cannot learn (a
// learning rate of 1e-5) above one that can: its 0.99 is the luck of a small
// validation set, made up here.
class CrossCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.train = testing::WriteFile(testing::TestPath("cross_check_train.txt"),
                                     testing::SampleFastTextLines(400, 7));
    spec_.valid_fraction = 0.25;
    spec_.threads = 1;
    plan_ = std::make_unique<SearchPlan>(SearchPlan{{}, testing::MustParse(kSpace), {}});
    Result<std::unique_ptr<Trainable>> made = Trainable::Make(spec_, *plan_, 0);
    ASSERT_TRUE(made.ok()) << made.message();
    trainable_ = std::move(*made);
    Finished(0, {0.00001, 8}, 0.99);  // ranked first
    Finished(1, {0.5, 8}, 0.90);
    view_.validation_rows = 100;
  }

  void Finished(uint32_t trial, space::Config config, double metric) {
    JobRow row;
    row.job.id = trial + 1;
    row.job.trial = trial;
    row.job.epochs_to = 5;
    row.job.config = std::move(config);
    row.result.emplace();
    row.result->job = row.job.id;
    row.result->metric = metric;
    row.result->epochs_trained = 5;
    row.result->seconds = 0.01;
    view_.jobs.push_back(row);
  }

  TuneSpec spec_;
  std::unique_ptr<SearchPlan> plan_;
  std::unique_ptr<Trainable> trainable_;
  JournalView view_;
};

TEST_F(CrossCheckTest, ChoosesTheCandidateThatScoresBestOnTheFolds) {
  ASSERT_EQ(view_.Best(true)->trial, 0u);
  Result<std::vector<CrossChecked>> checked =
      CrossCheck(spec_, *plan_, *trainable_, view_, kNoLimit, 0, false);
  ASSERT_TRUE(checked.ok()) << checked.message();
  ASSERT_EQ(checked->size(), 2u);
  EXPECT_EQ((*checked)[0].trial, 0u);  // in the search's order
  EXPECT_EQ((*checked)[1].trial, 1u);
  EXPECT_GT((*checked)[1].metric, (*checked)[0].metric + 0.1);
  view_.cross_checked = *checked;
  EXPECT_EQ(view_.Best(true)->trial, 1u);
}

TEST_F(CrossCheckTest, CandidatesSideBySideOnAThreadEachChooseAlikeEveryTime) {
  auto checked = [&] {
    Result<std::vector<CrossChecked>> c =
        CrossCheck(spec_, *plan_, *trainable_, view_, kNoLimit, int64_t{1} << 40, false);
    EXPECT_TRUE(c.ok()) << c.message();
    return c.ok() ? *c : std::vector<CrossChecked>{};
  };
  const std::vector<CrossChecked> first = checked(), again = checked();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_GT(first[1].metric, first[0].metric + 0.1);
  ASSERT_EQ(again.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {  // one thread per model: reproducible
    EXPECT_EQ(again[i].trial, first[i].trial);
    EXPECT_EQ(again[i].metric, first[i].metric);
  }
}

TEST(RetrainsAtOnce, OnePerCoreWhenTheLargestFitTogether) {
  EXPECT_EQ(RetrainsAtOnce({30, 100, 50}, 150, 2), 2u);  // the two largest: 150
  EXPECT_EQ(RetrainsAtOnce({30, 100, 50}, 149, 2), 1u);
  EXPECT_EQ(RetrainsAtOnce({30, 100, 50}, 180, 4), 3u);  // no more than the candidates
  EXPECT_EQ(RetrainsAtOnce({30, 100, 50}, 1000, 1), 1u);
  EXPECT_EQ(RetrainsAtOnce({30, 0, 50}, 1000, 2), 1u);  // a need not known
  EXPECT_EQ(RetrainsAtOnce({30, 100}, -5, 2), 1u);      // memory already held
}

TEST_F(CrossCheckTest, DoesNothingWhenOff) {
  spec_.cross_check = 0;
  Result<std::vector<CrossChecked>> checked =
      CrossCheck(spec_, *plan_, *trainable_, view_, kNoLimit, 0, false);
  ASSERT_TRUE(checked.ok()) << checked.message();
  EXPECT_TRUE(checked->empty());
  EXPECT_EQ(EndCostOf(spec_, 100, 300, 1.0).folds, 0);
}

TEST_F(CrossCheckTest, DoesNothingWithALargeValidationSetOrAMetricThatIsNoProportion) {
  for (int64_t rows : {kCrossCheckRows, int64_t{0}}) {
    view_.validation_rows = rows;
    Result<std::vector<CrossChecked>> checked =
        CrossCheck(spec_, *plan_, *trainable_, view_, kNoLimit, 0, false);
    ASSERT_TRUE(checked.ok()) << checked.message();
    EXPECT_TRUE(checked->empty()) << rows;
    EXPECT_EQ(EndCostOf(spec_, rows, 300, 1.0).folds, 0) << rows;
  }
}

TEST_F(CrossCheckTest, ChecksOnlyTheCandidatesWhoseFoldsFitInTheTimeLeft) {
  // With no memory to spare the candidates retrain one after the other on
  // every core: 3 folds, each on 2/3 of the 300 + 100 rows, of their 0.01 s
  // each, and the refit after them (RefitScale x 0.01 s, with its margin:
  // x 1.1 + 1 s); one alone makes no choice.
  const double both = 3 * (2.0 / 3 * 400 / 300) * 0.02;
  const double refit = 1.1 * *RefitScale(spec_, *trainable_) * 0.01 + 1;
  EXPECT_EQ(
      CrossCheck(spec_, *plan_, *trainable_, view_, 1.001 * both + refit, 0, false)->size(), 2u);
  EXPECT_TRUE(
      CrossCheck(spec_, *plan_, *trainable_, view_, 0.999 * both + refit, 0, false)->empty());
}

TEST_F(CrossCheckTest, AStopForTheRefitSaysHowLongAFoldTookAgainstItsEstimate) {
  // Jobs that took a nanosecond make an estimate no real fold keeps to: the
  // folds fit in the time given, the first fold shows the rest do not.
  for (JobRow& row : view_.jobs) row.result->seconds = 1e-9;
  const double refit = 1.1 * *RefitScale(spec_, *trainable_) * 1e-9 + 1;
  ::testing::internal::CaptureStderr();
  Result<std::vector<CrossChecked>> checked =
      CrossCheck(spec_, *plan_, *trainable_, view_, refit + 1e-6, 0, false);
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(checked.ok()) << checked.message();
  EXPECT_EQ(checked->size(), 2u);  // both scored on the first fold
  EXPECT_NE(err.find("cross-check stopped after 1 of 3 folds to leave the refit its time (a fold "
                     "took "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(", 0.0 s estimated)"), std::string::npos) << err;
}

TEST_F(CrossCheckTest, TheRefitTakesItsShareOfRowsLongerWhateverItsThreads) {
  // 300 training rows and 100 validation rows; the refit's second thread
  // is not counted on to make it faster.
  for (int threads : {1, 2}) {
    spec_.threads = threads;
    EXPECT_DOUBLE_EQ(*RefitScale(spec_, *trainable_), 400.0 / 300) << threads;
  }
  spec_.refit = false;
  EXPECT_EQ(*RefitScale(spec_, *trainable_), 0.0);
}

TEST(EndCostOf, IsTheRefitAndEachFoldOfTheCandidatesSideBySide) {
  TuneSpec spec;
  spec.cross_check = 5;
  // A fold trains on 4/5 of 1,000 + 1,000 rows: 1.6x the training rows,
  // and one at a time on the refit's threads.
  EndCost cost = EndCostOf(spec, 1000, 1000, 0.7);
  EXPECT_DOUBLE_EQ(cost.refit, 0.7);
  EXPECT_EQ(cost.folds, 5);
  EXPECT_DOUBLE_EQ(cost.fold, 1.6);
  EXPECT_DOUBLE_EQ(cost.fold_alone, 1.6);
  EXPECT_EQ(cost.at_once, size_t(RefitThreads(spec)));
  // On fewer rows than the training rows, as long as the search's jobs.
  EXPECT_DOUBLE_EQ(EndCostOf(spec, 500, 4000, 0.7).fold, 1.0);
  EXPECT_EQ(EndCostOf(spec, 0, 4000, 0.7).folds, 0);  // no validation rows: no cross-check
}

// A trial whose one job took `seconds`: alone and beside others.
TrialPace Took(double seconds) {
  TrialPace pace;
  job::JobResult result;
  result.seconds = seconds;
  result.epochs_trained = 1;
  pace.Add(job::Job{.epochs_to = 1}, result);
  return pace;
}

// As ParallelFor runs them: each candidate in turn on the first thread free,
// at its seconds beside others; one at a time, at its seconds alone.
TEST(CheckSeconds, EachCandidateGoesToTheFirstThreadFreeOnEveryFold) {
  const std::vector<TrialPace> candidates = {Took(1), Took(2), Took(1.5)};
  EndCost cost{.folds = 3, .fold = 1, .fold_alone = 0.5, .at_once = 2};
  // 1 s on the first thread, 2 s on the second, 1.5 s after the first: 2.5 s a fold.
  EXPECT_DOUBLE_EQ(CheckSeconds(cost, candidates), 3 * 2.5);
  cost.at_once = 3;
  EXPECT_DOUBLE_EQ(CheckSeconds(cost, candidates), 3 * 2);
  cost.fold = 1.2;
  EXPECT_DOUBLE_EQ(CheckSeconds(cost, candidates), 3 * 2 * 1.2);
  cost.at_once = 1;
  EXPECT_DOUBLE_EQ(CheckSeconds(cost, candidates), 3 * 4.5 * 0.5);
  EXPECT_DOUBLE_EQ(CheckSeconds(EndCost{}, candidates), 0);  // no cross-check
}

// Candidates that each took `seconds`, alone and beside others.
CandidateSeconds Alike(double seconds) {
  return {.paces = {Took(seconds), Took(seconds), Took(seconds)}};
}

// The search keeps time for three candidates' folds when they take at most
// a tenth of the budget and fit in kCheckedEndShare (a third) beside the
// refit, else for two, else for the refit alone, within kEndShare (two
// fifths); a refit over two fifths is kept two fifths when the overrun (a
// tenth) covers the rest, else nothing.
TEST(EndSeconds, KeepsTimeForAsManyCandidatesAsFit) {
  const EndCost cost{.refit = 1, .folds = 2, .fold_alone = 1};
  auto margin = [](double s) { return 1.1 * s + 1; };
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(1), 1000, 0), margin(1 + 3 * 2));
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(1), 60, 0), margin(1 + 2 * 2));  // 3 x 2 s is over 6 s
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(1), 40, 0), margin(1));          // 2 x 2 s is over 4 s
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(10), 40, 0), margin(10));        // 12 s: within 16 s
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(16), 40, 0), 40 * kEndShare);  // 18.6 s: 16 s, 2.6 s of overrun
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(20), 40, 0), margin(0));  // 23 s: past 16 s and a tenth
  EXPECT_DOUBLE_EQ(EndSeconds(cost, {}, 40, 0), 0);                 // no trial finished yet
  // Folds within a tenth, but refit and folds past a third: the refit alone.
  EXPECT_DOUBLE_EQ(EndSeconds({.refit = 10, .folds = 1, .fold_alone = 1}, Alike(2.5), 100, 0),
                   margin(25));
  EXPECT_DOUBLE_EQ(EndSeconds({.refit = 1}, Alike(1), 1000, 0), margin(1));
}

// Side by side on two cores, two candidates' folds take the time of one:
// they fit where one after the other they do not.
TEST(EndSeconds, CandidatesSideBySideTakeLessOfTheBudget) {
  auto margin = [](double s) { return 1.1 * s + 1; };
  const EndCost two{.refit = 1, .folds = 3, .fold = 1, .fold_alone = 1, .at_once = 2};
  EXPECT_DOUBLE_EQ(EndSeconds(two, Alike(2), 100, 0), margin(2 + 3 * 2));
  const EndCost one{.refit = 1, .folds = 3, .fold = 1, .fold_alone = 1, .at_once = 1};
  EXPECT_DOUBLE_EQ(EndSeconds(one, Alike(2), 100, 0), margin(2));
}

// A result that comes in past the search's earliest end (a best trial's
// long job) may leave too little time for its refit: the search then goes
// on to the budget's end instead of stopping for a refit that will not run.
TEST(EndSeconds, ARefitThatNoLongerFitsAfterALateResultKeepsNoTime) {
  const EndCost cost{.refit = 1};
  auto margin = [](double s) { return 1.1 * s + 1; };
  // 60 s: the earliest end is at 36 s; 20 s of refit (23 with the margin)
  // fit until 66 - 23 = 43 s.
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(20), 60, 10), margin(20));
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(20), 60, 42), margin(20));
  EXPECT_DOUBLE_EQ(EndSeconds(cost, Alike(20), 60, 44), margin(0));
}

// Without a cross-check the end refits the search's best alone: a costlier
// candidate below it keeps nothing from the search (on ag_news a third one
// stopped 60 s runs at 43.5 s); a cross-check may choose it, so an end with
// one keeps its refit.
TEST(EndSeconds, WithoutACrossCheckOnlyTheBestsRefitIsKept) {
  auto margin = [](double s) { return 1.1 * s + 1; };
  const CandidateSeconds seconds{.paces = {Took(10), Took(30), Took(20)}};
  EXPECT_DOUBLE_EQ(EndSeconds({.refit = 1}, seconds, 60, 0), margin(10));
  // Folds too costly for the budget: none, the best's refit.
  EXPECT_DOUBLE_EQ(EndSeconds({.refit = 1, .folds = 2, .fold_alone = 1}, seconds, 100, 0),
                   margin(10));
  // Three candidates' folds fit: the costliest's refit beside them.
  EXPECT_DOUBLE_EQ(EndSeconds({.refit = 1, .folds = 1, .fold_alone = 0.1}, seconds, 1000, 0),
                   margin(30 + 0.1 * (10 + 30 + 20)));
}

}  // namespace
}  // namespace rungs::tune
