#include "text/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "text/evaluate.h"
#include "testing/synthetic_corpus.h"

namespace rungs::text {
namespace {

using testing::BuildCorpus;
using testing::MakeExamples;
using testing::SameBits;


TrainArgs SmallArgs(Loss loss) {
  TrainArgs args;
  args.loss = loss;
  args.dim = 16;
  args.thread = 1;
  args.lr = 0.5;
  args.epoch = 12;
  args.dict.word_ngrams = 2;
  args.dict.bucket = 10000;
  return args;
}


class ResumeTest : public ::testing::TestWithParam<Loss> {};

// One thread: epochs 0->4 then 4->12 under the same global schedule give the
// very same weights as 0->12 in one go.
TEST_P(ResumeTest, SplitTrainingIsBitIdenticalToOneRun) {
  auto corpus = BuildCorpus(MakeExamples(400, 6, 3));
  const TrainArgs args = SmallArgs(GetParam());
  auto data = corpus->Encode(args.dict);
  ASSERT_TRUE(data.ok());
  const LrSchedule schedule = LrSchedule::FastText(args);

  auto whole = StartTraining(**data, args);
  ASSERT_TRUE(whole.ok()) << whole.message();
  auto report = Train(**data, schedule, 12, *whole);
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->stop, TrainStop::kDone);

  auto split = StartTraining(**data, args);
  ASSERT_TRUE(split.ok());
  ASSERT_TRUE(Train(**data, schedule, 4, *split).ok());
  EXPECT_GE(split->tokens_done, 4 * (*data)->total_tokens);
  EXPECT_LT(split->tokens_done, 5 * (*data)->total_tokens);
  Checkpoint resumed = *split;  // a copy in memory, as a trial pauses
  ASSERT_TRUE(Train(**data, schedule, 12, resumed).ok());

  EXPECT_EQ(resumed.tokens_done, whole->tokens_done);
  EXPECT_TRUE(SameBits(resumed.model.input(), whole->model.input()));
  EXPECT_TRUE(SameBits(resumed.model.output(), whole->model.output()));
  // And training did move the weights.
  EXPECT_FALSE(SameBits(split->model.output(), whole->model.output()));
}

// Training makes exactly the input rows its examples use; every other row
// stays absent and costs nothing.
TEST(Trainer, MakesOnlyTheRowsTheDataUses) {
  auto corpus = BuildCorpus(MakeExamples(200, 4, 3));
  TrainArgs args = SmallArgs(Loss::kSoftmax);
  args.dict.bucket = 2000000;
  args.epoch = 2;
  auto data = corpus->Encode(args.dict);
  ASSERT_TRUE(data.ok());
  auto checkpoint = StartTraining(**data, args);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->model.input().present_rows(), 0);
  ASSERT_TRUE(Train(**data, LrSchedule::FastText(args), 2, *checkpoint).ok());
  std::vector<int32_t> used((*data)->inputs);
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  EXPECT_EQ(checkpoint->model.input().PresentRowIds(), used);
  // The slot table (4 bytes a row) and a few chunks, against 64 for a dense row.
  EXPECT_LT(checkpoint->model.input().resident_bytes(),
            checkpoint->model.input().rows() * args.dim * 4 / 8);
}

INSTANTIATE_TEST_SUITE_P(Losses, ResumeTest,
                         ::testing::Values(Loss::kSoftmax, Loss::kNs, Loss::kHs, Loss::kOva),
                         [](const auto& info) { return std::string(LossName(info.param)); });

class LearnTest : public ::testing::TestWithParam<Loss> {};

TEST_P(LearnTest, LearnsASeparableTaskWithTwoThreads) {
  auto train = BuildCorpus(MakeExamples(600, 6, 5));
  auto test = BuildCorpus(MakeExamples(300, 6, 6));
  TrainArgs args = SmallArgs(GetParam());
  args.thread = 2;
  auto data = train->Encode(args.dict);
  ASSERT_TRUE(data.ok());
  auto checkpoint = StartTraining(**data, args);
  ASSERT_TRUE(checkpoint.ok());
  auto report = Train(**data, LrSchedule::FastText(args), args.epoch, *checkpoint);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->stop, TrainStop::kDone) << report->message;
  EXPECT_GT(report->loss, 0);
  auto test_data = test->EncodeWith(checkpoint->model.shared_dict());
  ASSERT_TRUE(test_data.ok());
  auto eval = Evaluate(checkpoint->model, **test_data, 1, 0);
  ASSERT_TRUE(eval.ok());
  EXPECT_EQ(eval->examples, 300);
  EXPECT_GT(eval->PrecisionAtK(), 0.8) << LossName(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Losses, LearnTest,
                         ::testing::Values(Loss::kSoftmax, Loss::kNs, Loss::kHs, Loss::kOva),
                         [](const auto& info) { return std::string(LossName(info.param)); });

TEST(Train, StopsAtADeadlineAndCanResume) {
  auto corpus = BuildCorpus(MakeExamples(300, 4, 7));
  TrainArgs args = SmallArgs(Loss::kSoftmax);
  args.epoch = 100;
  auto data = corpus->Encode(args.dict);
  auto checkpoint = StartTraining(**data, args);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.message();
  TrainControl control;
  control.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  int progress_calls = 0;
  int64_t last_tokens = -1;
  control.on_progress = [&](const TrainProgress& p) {
    ++progress_calls;
    EXPECT_GE(p.tokens_done, last_tokens);
    last_tokens = p.tokens_done;
  };
  control.progress_interval = std::chrono::milliseconds(20);
  auto report = Train(**data, LrSchedule::FastText(args), 1e6, *checkpoint, control);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stop, TrainStop::kDeadline);
  EXPECT_LT(report->seconds, 5.0);
  EXPECT_GE(progress_calls, 2);
  EXPECT_GT(checkpoint->tokens_done, 0);
  const int64_t reached = checkpoint->tokens_done;
  auto more = Train(**data, LrSchedule::FastText(args), report->epoch + 1, *checkpoint);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->stop, TrainStop::kDone);
  EXPECT_GT(checkpoint->tokens_done, reached);
}

TEST(Train, StopsWhenCancelled) {
  auto corpus = BuildCorpus(MakeExamples(300, 4, 7));
  TrainArgs args = SmallArgs(Loss::kSoftmax);
  args.thread = 2;
  auto data = corpus->Encode(args.dict);
  auto checkpoint = StartTraining(**data, args);
  std::atomic<bool> cancel{true};
  TrainControl control;
  control.cancel = &cancel;
  auto report = Train(**data, LrSchedule::FastText(args), 1000000, *checkpoint, control);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stop, TrainStop::kCancelled);
  EXPECT_LT(report->epoch, 1000000);
}

// The training threads read the cancel flag themselves, before each
// example: set before Train, it stops them before their first one.
TEST(Train, ACancelSetBeforeTrainingTrainsNoExample) {
  auto corpus = BuildCorpus(MakeExamples(300, 4, 7));
  TrainArgs args = SmallArgs(Loss::kSoftmax);
  args.thread = 2;
  auto data = corpus->Encode(args.dict);
  auto checkpoint = StartTraining(**data, args);
  std::atomic<bool> cancel{true};
  TrainControl control;
  control.cancel = &cancel;
  auto report = Train(**data, LrSchedule::FastText(args), 1000000, *checkpoint, control);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stop, TrainStop::kCancelled);
  EXPECT_EQ(checkpoint->tokens_done, 0);
  EXPECT_EQ(checkpoint->model.input().present_rows(), 0);
  for (const ThreadPosition& pos : checkpoint->threads) EXPECT_EQ(pos.loss_examples, 0);
}

TEST(Train, ReportsDivergence) {
  auto corpus = BuildCorpus(MakeExamples(200, 4, 9));
  TrainArgs args = SmallArgs(Loss::kNs);
  args.lr = 1e30;
  auto data = corpus->Encode(args.dict);
  auto checkpoint = StartTraining(**data, args);
  ASSERT_TRUE(checkpoint.ok());
  auto report = Train(**data, LrSchedule::FastText(args), 5, *checkpoint);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stop, TrainStop::kDiverged);
  EXPECT_NE(report->message.find("diverged"), std::string::npos);
}

TEST(StartTraining, RefusesWeightsAboveTheMemoryLimit) {
  auto corpus = BuildCorpus(MakeExamples(50, 3, 1));
  TrainArgs args = SmallArgs(Loss::kSoftmax);
  args.dict.bucket = 2000000;
  args.dim = 300;
  auto data = corpus->Encode(args.dict);
  // 2.3M x 300 floats would be 2.6 GB, but rows are made only when used: the
  // slot table (9 MB) and the few rows 50 examples use fit in 100 MiB...
  args.memory_limit_bytes = 100 << 20;
  EXPECT_TRUE(StartTraining(**data, args).ok());
  // ...and not in 4 MiB.
  args.memory_limit_bytes = 4 << 20;
  auto checkpoint = StartTraining(**data, args);
  ASSERT_FALSE(checkpoint.ok());
  EXPECT_NE(checkpoint.message().find("above the memory limit of 4 MiB"), std::string::npos)
      << checkpoint.message();
}

TEST(StartTraining, RejectsInvalidArgsAndMismatchedData) {
  auto corpus = BuildCorpus(MakeExamples(50, 3, 1));
  TrainArgs args = SmallArgs(Loss::kSoftmax);
  auto data = corpus->Encode(args.dict);
  TrainArgs bad = args;
  bad.dim = 0;
  EXPECT_FALSE(StartTraining(**data, bad).ok());
  TrainArgs other = args;
  other.dict.word_ngrams = 3;
  auto mismatch = StartTraining(**data, other);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.message().find("dictionary options"), std::string::npos);
}

TEST(Train, OrderDependsOnSeedUnlessKeepOrder) {
  auto corpus = BuildCorpus(MakeExamples(300, 3, 4));
  auto train = [&](bool keep_order, int seed) {
    TrainArgs args = SmallArgs(Loss::kSoftmax);
    args.epoch = 1;
    args.keep_order = keep_order;
    args.seed = seed;
    auto data = corpus->Encode(args.dict);
    auto checkpoint = StartTraining(**data, args);
    EXPECT_TRUE(Train(**data, LrSchedule::FastText(args), 1, *checkpoint).ok());
    return std::move(checkpoint).value();
  };
  const Checkpoint shuffled = train(false, 1);
  EXPECT_TRUE(SameBits(train(false, 1).model.output(), shuffled.model.output()));
  // Same seed for the weights, other order: other weights.
  EXPECT_FALSE(SameBits(train(true, 1).model.output(), shuffled.model.output()));
  // keep_order ignores the seed for the order, but the seed still draws
  // the initial weights: two keep_order runs with one seed agree.
  EXPECT_TRUE(SameBits(train(true, 2).model.output(), train(true, 2).model.output()));
}

}  // namespace
}  // namespace rungs::text
