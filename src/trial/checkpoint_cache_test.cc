#include "trial/checkpoint_cache.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <future>
#include <thread>

#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::trial {
namespace {

namespace fs = std::filesystem;
using testing::SameBits;

struct Trained {
  std::shared_ptr<const text::Encoded> data;
  text::Checkpoint checkpoint;
};

Trained TrainSmall(int epochs, int dim = 16) {
  auto corpus = testing::BuildCorpus(testing::MakeExamples(200, 3, 7));
  text::TrainArgs args;
  args.dim = dim;
  args.thread = 1;
  args.dict.word_ngrams = 2;
  args.dict.bucket = 4000;
  auto data = *corpus->Encode(args.dict);
  auto checkpoint = text::StartTraining(*data, args);
  EXPECT_TRUE(checkpoint.ok());
  EXPECT_TRUE(text::Train(*data, text::LrSchedule::FastText(args), epochs, *checkpoint).ok());
  return {data, std::move(*checkpoint)};
}

std::unique_ptr<text::Checkpoint> Copy(const text::Checkpoint& c) {
  return std::make_unique<text::Checkpoint>(c);
}

TEST(CheckpointCache, SpillsWhatDoesNotFitAndReadsItBackBitForBit) {
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(2);
  const int64_t size = CheckpointCache::SizeOf(t.checkpoint);
  CheckpointCache cache(size + size / 2, dir);  // room for one
  ASSERT_TRUE(cache.Put(1, 0, 2, Copy(t.checkpoint)).ok());
  ASSERT_TRUE(cache.Put(2, 0, 2, Copy(t.checkpoint)).ok());
  EXPECT_EQ(cache.bytes(), size);
  EXPECT_EQ(cache.spilled_files(), 1);
  EXPECT_TRUE(fs::exists(dir + "/trial-1-epochs-2.ckpt"));
  EXPECT_GT(cache.BytesOf(1, 2), 0);
  EXPECT_EQ(cache.BytesOf(1, 3), 0);  // not for other epochs

  std::unique_ptr<text::Checkpoint> back = cache.Take(1, 2, *t.data);
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(SameBits(back->model.input(), t.checkpoint.model.input()));
  EXPECT_TRUE(SameBits(back->model.output(), t.checkpoint.model.output()));
  EXPECT_EQ(back->tokens_done, t.checkpoint.tokens_done);
  EXPECT_EQ(cache.Take(1, 5, *t.data), nullptr);
}

TEST(CheckpointCache, ANewCacheOnTheFolderFindsTheSpilledCheckpoints) {
  // What a resumed experiment sees after the process was killed.
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  {
    CheckpointCache cache(0, dir);  // everything goes to disk
    ASSERT_TRUE(cache.Put(7, 0, 1, Copy(t.checkpoint)).ok());
    EXPECT_EQ(cache.bytes(), 0);
  }
  CheckpointCache reopened(0, dir);
  EXPECT_EQ(reopened.spilled_files(), 1);
  std::unique_ptr<text::Checkpoint> back = reopened.Take(7, 1, *t.data);
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(SameBits(back->model.output(), t.checkpoint.model.output()));
  // Still there for a job run again after another crash.
  EXPECT_NE(reopened.Take(7, 1, *t.data), nullptr);
  // The job that continued it stores epoch 3; its result is not committed yet.
  ASSERT_TRUE(reopened.Put(7, 1, 3, Copy(t.checkpoint)).ok());
  EXPECT_TRUE(fs::exists(dir + "/trial-7-epochs-3.ckpt"));
  // The kill lands here: the job runs again after the resume, from epoch 1.
  CheckpointCache again(0, dir);
  EXPECT_NE(again.Take(7, 1, *t.data), nullptr);
  ASSERT_TRUE(again.Put(7, 1, 3, Copy(t.checkpoint)).ok());
  // The next rung's checkpoint makes epoch 1's file useless.
  ASSERT_TRUE(again.Put(7, 3, 9, Copy(t.checkpoint)).ok());
  EXPECT_FALSE(fs::exists(dir + "/trial-7-epochs-1.ckpt"));
  EXPECT_TRUE(fs::exists(dir + "/trial-7-epochs-3.ckpt"));
  EXPECT_TRUE(fs::exists(dir + "/trial-7-epochs-9.ckpt"));
  EXPECT_EQ(again.spilled_files(), 2);
  again.RemoveSpilled();
  EXPECT_FALSE(fs::exists(dir));
}

TEST(CheckpointCache, WithoutAFolderCheckpointsBeyondTheCapacityAreDropped) {
  Trained t = TrainSmall(1);
  CheckpointCache cache(CheckpointCache::SizeOf(t.checkpoint));
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint)).ok());
  ASSERT_TRUE(cache.Put(2, 0, 1, Copy(t.checkpoint)).ok());
  EXPECT_EQ(cache.Take(1, 1, *t.data), nullptr);
  EXPECT_NE(cache.Take(2, 1, *t.data), nullptr);
}

TEST(CheckpointCache, ACheckpointCheaperToRetrainThanToWriteIsDroppedNotSpilled) {
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  CheckpointCache cache(CheckpointCache::SizeOf(t.checkpoint), dir, /*drop_when_cheaper=*/true);
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint), /*retrain_seconds=*/0).ok());
  ASSERT_TRUE(cache.Put(2, 0, 1, Copy(t.checkpoint), /*retrain_seconds=*/3600).ok());
  EXPECT_EQ(cache.spilled_files(), 0);  // trial 1: retrained in no time, so dropped
  EXPECT_EQ(cache.Take(1, 1, *t.data), nullptr);
  ASSERT_TRUE(cache.Put(3, 0, 1, Copy(t.checkpoint), CheckpointCache::kNeverDrop).ok());
  EXPECT_TRUE(fs::exists(dir + "/trial-2-epochs-1.ckpt"));  // an hour to retrain: spilled
  ASSERT_TRUE(cache.Put(4, 0, 1, Copy(t.checkpoint), 0).ok());
  EXPECT_TRUE(fs::exists(dir + "/trial-3-epochs-1.ckpt"));
  EXPECT_EQ(cache.spilled_files(), 2);
  EXPECT_NE(cache.Take(2, 1, *t.data), nullptr);
}

TEST(CheckpointCache, WithoutDropWhenCheaperEvenACheapCheckpointIsSpilled) {
  // For an epoch budget: a retraining would spend epochs nobody reserved.
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  CheckpointCache cache(CheckpointCache::SizeOf(t.checkpoint), dir);
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint), /*retrain_seconds=*/0).ok());
  ASSERT_TRUE(cache.Put(2, 0, 1, Copy(t.checkpoint), 0).ok());
  EXPECT_TRUE(fs::exists(dir + "/trial-1-epochs-1.ckpt"));
  EXPECT_NE(cache.Take(1, 1, *t.data), nullptr);
}

TEST(CheckpointCache, CopyLeavesTheCheckpointStored) {
  Trained t = TrainSmall(1);
  const int64_t size = CheckpointCache::SizeOf(t.checkpoint);
  CheckpointCache cache(10 * size);
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint)).ok());
  std::unique_ptr<text::Checkpoint> copy = cache.Copy(1, 1, *t.data);
  ASSERT_NE(copy, nullptr);
  EXPECT_TRUE(SameBits(copy->model.input(), t.checkpoint.model.input()));
  EXPECT_EQ(cache.bytes(), size);
  EXPECT_EQ(cache.Copy(1, 2, *t.data), nullptr);  // not for other epochs
  EXPECT_NE(cache.Take(1, 1, *t.data), nullptr);
  EXPECT_EQ(cache.bytes(), 0);
}

TEST(CheckpointCache, ListsTheDictionariesOfTheCheckpointsInMemory) {
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  const int64_t size = CheckpointCache::SizeOf(t.checkpoint);
  CheckpointCache cache(size, dir);  // room for one
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint)).ok());
  ASSERT_TRUE(cache.Put(2, 0, 1, Copy(t.checkpoint)).ok());  // trial 1 goes to disk
  auto dicts = cache.Dictionaries();
  ASSERT_EQ(dicts.size(), 1u);
  EXPECT_EQ(dicts[0], t.checkpoint.model.shared_dict());
  EXPECT_EQ(cache.DictionaryOf(2, 1), t.checkpoint.model.shared_dict());
  EXPECT_EQ(cache.DictionaryOf(2, 3), nullptr);  // not for other epochs
  EXPECT_EQ(cache.DictionaryOf(1, 1), nullptr);  // on disk
}

TEST(CheckpointCache, DropInMemoryKeepsTheSpilledFiles) {
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  const int64_t size = CheckpointCache::SizeOf(t.checkpoint);
  CheckpointCache cache(size, dir);  // room for one
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint)).ok());
  ASSERT_TRUE(cache.Put(2, 0, 1, Copy(t.checkpoint)).ok());  // trial 1 goes to disk
  cache.DropInMemory();
  EXPECT_EQ(cache.bytes(), 0);
  EXPECT_EQ(cache.Take(2, 1, *t.data), nullptr);
  EXPECT_NE(cache.Take(1, 1, *t.data), nullptr);
}

TEST(CheckpointCache, SpillFreesMemoryOnRequest) {
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  const int64_t size = CheckpointCache::SizeOf(t.checkpoint);
  CheckpointCache cache(10 * size, dir);
  for (uint32_t trial = 1; trial <= 3; ++trial) ASSERT_TRUE(cache.Put(trial, 0, 1, Copy(t.checkpoint)).ok());
  ASSERT_TRUE(cache.Spill(size + 1).ok());
  EXPECT_EQ(cache.bytes(), size);  // the two oldest went to disk
  EXPECT_EQ(cache.spilled_files(), 2);
  EXPECT_EQ(cache.BytesInMemory(1), 0);
  EXPECT_EQ(cache.BytesInMemory(3), size);
}

TEST(CheckpointCache, ADiskThatFillsWhileSpillingIsAClearErrorAndLeavesNoFile) {
  const std::string dir = (testing::FreshDir() / "checkpoints").string();
  Trained t = TrainSmall(1);
  CheckpointCache cache(0, dir);
  ASSERT_TRUE(cache.Put(1, 0, 1, Copy(t.checkpoint)).ok());
  // Files may grow to 4 kB only, as on a disk with that much left.
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Status status = cache.Put(2, 0, 1, Copy(t.checkpoint));
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("checkpoint of trial 2 dropped"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("trial-2-epochs-1.ckpt"), std::string::npos) << status.message();
  EXPECT_FALSE(fs::exists(dir + "/trial-2-epochs-1.ckpt"));
  EXPECT_FALSE(fs::exists(dir + "/trial-2-epochs-1.ckpt.tmp"));
  EXPECT_EQ(cache.Take(2, 1, *t.data), nullptr);
  // The earlier spill is intact.
  EXPECT_NE(cache.Take(1, 1, *t.data), nullptr);
}

TEST(CheckpointCache, ASpillBeingWrittenHoldsNoOneElseUp) {
  const fs::path dir = testing::FreshDir() / "checkpoints";
  fs::create_directories(dir);
  // Trial 1's spill goes to a named pipe (its temporary file), so its write
  // stops until this test reads the pipe; the checkpoint is larger than a
  // pipe's buffer.
  const std::string pipe =
      (dir / ("trial-1-epochs-2.ckpt.tmp." + std::to_string(::getpid()))).string();
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  Trained t = TrainSmall(2, /*dim=*/64);
  const int64_t size = CheckpointCache::SizeOf(t.checkpoint);
  ASSERT_GT(size, 2 * 65536);  // the pipe's buffer and the writer's
  CheckpointCache cache(size + size / 2, dir.string());  // room for one
  ASSERT_TRUE(cache.Put(1, 0, 2, Copy(t.checkpoint)).ok());
  std::thread spiller([&] { (void)cache.Put(2, 0, 2, Copy(t.checkpoint)); });
  const int fd = ::open(pipe.c_str(), O_RDONLY);  // returns once the spill has opened it
  ASSERT_GE(fd, 0);

  // Meanwhile the cache answers, counting the checkpoint being written as
  // still in memory. (Run apart, so that a cache that holds its lock while
  // writing fails the test instead of hanging it.)
  auto answers = std::async(std::launch::async, [&] {
    EXPECT_EQ(cache.bytes(), 2 * size);
    EXPECT_EQ(cache.BytesOf(1, 2), size);
    EXPECT_EQ(cache.Dictionaries().size(), 2u);
    EXPECT_NE(cache.Take(2, 2, *t.data), nullptr);
  });
  EXPECT_EQ(answers.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the cache was held up by the write";
  // A take of the checkpoint being written waits for its file.
  auto taken = std::async(std::launch::async, [&] { return cache.Take(1, 2, *t.data); });
  EXPECT_EQ(taken.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  char buffer[65536];
  while (::read(fd, buffer, sizeof buffer) > 0) {
  }
  ::close(fd);
  spiller.join();
  answers.wait();
  // A pipe cannot be synced: that write failed, and trial 1 was dropped.
  EXPECT_EQ(taken.get(), nullptr);
  EXPECT_EQ(cache.bytes(), 0);
  EXPECT_FALSE(fs::exists(pipe));
}

}  // namespace
}  // namespace rungs::trial
