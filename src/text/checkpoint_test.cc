#include "text/checkpoint.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::BuildCorpus;
using testing::MakeExamples;
using testing::SameBits;

TrainArgs Args() {
  TrainArgs args;
  args.dim = 8;
  args.thread = 1;
  args.epoch = 6;
  args.lr = 0.4;
  args.loss = Loss::kNs;
  args.dict.word_ngrams = 2;
  args.dict.bucket = 5000;
  return args;
}

TEST(Checkpoint, ResumingFromAFileIsBitIdentical) {
  const std::string dir = testing::FreshDir();
  auto corpus = BuildCorpus(MakeExamples(300, 4, 5));
  const TrainArgs args = Args();
  auto data = *corpus->Encode(args.dict);
  const LrSchedule schedule = LrSchedule::FastText(args);
  auto whole = StartTraining(*data, args);
  ASSERT_TRUE(Train(*data, schedule, 6, *whole).ok());

  auto first = StartTraining(*data, args);
  ASSERT_TRUE(Train(*data, schedule, 2, *first).ok());
  ASSERT_TRUE(SaveCheckpoint(*first, dir + "/ck").ok());
  auto dict_args = ReadCheckpointDictArgs(dir + "/ck");
  ASSERT_TRUE(dict_args.ok());
  EXPECT_TRUE(*dict_args == args.dict);
  auto loaded = LoadCheckpoint(dir + "/ck", *data);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  ASSERT_TRUE(Train(*data, schedule, 6, *loaded).ok());
  EXPECT_TRUE(SameBits(loaded->model.input(), whole->model.input()));
  EXPECT_TRUE(SameBits(loaded->model.output(), whole->model.output()));
}

TEST(Checkpoint, RefusesAnotherCorpus) {
  const std::string dir = testing::FreshDir();
  const TrainArgs args = Args();
  auto data = *BuildCorpus(MakeExamples(300, 4, 5))->Encode(args.dict);
  auto other = *BuildCorpus(MakeExamples(300, 4, 6))->Encode(args.dict);
  auto checkpoint = StartTraining(*data, args);
  ASSERT_TRUE(SaveCheckpoint(*checkpoint, dir + "/ck").ok());
  auto loaded = LoadCheckpoint(dir + "/ck", *other);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("another corpus"), std::string::npos) << loaded.message();
}

TEST(Checkpoint, RefusesTruncatedAndForeignFiles) {
  const std::string dir = testing::FreshDir();
  const TrainArgs args = Args();
  auto data = *BuildCorpus(MakeExamples(100, 3, 5))->Encode(args.dict);
  auto checkpoint = StartTraining(*data, args);
  ASSERT_TRUE(SaveCheckpoint(*checkpoint, dir + "/ck").ok());
  std::ifstream in(dir + "/ck", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  for (size_t cut : {size_t{3}, size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    std::ofstream(dir + "/cut", std::ios::binary | std::ios::trunc).write(bytes.data(), cut);
    auto loaded = LoadCheckpoint(dir + "/cut", *data);
    ASSERT_FALSE(loaded.ok()) << cut;
    EXPECT_NE(loaded.message().find("truncated"), std::string::npos) << loaded.message();
  }
  std::ofstream(dir + "/text") << "hello, not a checkpoint";
  auto foreign = LoadCheckpoint(dir + "/text", *data);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.message().find("not a rungs checkpoint"), std::string::npos);
}

}  // namespace
}  // namespace rungs::text
