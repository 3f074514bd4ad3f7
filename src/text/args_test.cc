#include "text/args.h"

#include <gtest/gtest.h>

namespace rungs::text {
namespace {

TEST(TrainArgs, DefaultsAreValid) { EXPECT_TRUE(TrainArgs{}.Validate().ok()); }

TEST(TrainArgs, RejectsDimOutOfRangeNamingTheFlag) {
  TrainArgs args;
  args.dim = 0;
  Status s = args.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("-dim"), std::string::npos) << s.message();
}

TEST(TrainArgs, RejectsEpochAndBucketOutOfRange) {
  TrainArgs args;
  args.epoch = -1;
  EXPECT_NE(args.Validate().message().find("-epoch"), std::string::npos);
  args = TrainArgs{};
  args.dict.bucket = -5;
  EXPECT_NE(args.Validate().message().find("-bucket"), std::string::npos);
}

TEST(TrainArgs, RejectsMaxnBelowMinn) {
  TrainArgs args;
  args.dict.minn = 5;
  args.dict.maxn = 3;
  Status s = args.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("-maxn (3) must be >= -minn (5)"), std::string::npos) << s.message();
}

TEST(TrainArgs, RejectsNonPositiveLearningRate) {
  TrainArgs args;
  args.lr = 0;
  EXPECT_NE(args.Validate().message().find("-lr"), std::string::npos);
}

TEST(Loss, ParsesFastTextNamesAndRejectsOthers) {
  EXPECT_EQ(*ParseLoss("softmax"), Loss::kSoftmax);
  EXPECT_EQ(*ParseLoss("ns"), Loss::kNs);
  EXPECT_EQ(*ParseLoss("hs"), Loss::kHs);
  EXPECT_EQ(*ParseLoss("ova"), Loss::kOva);
  auto bad = ParseLoss("hinge");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("'hinge'"), std::string::npos);
}

TEST(DictArgs, BucketIsZeroWithoutAnyNgrams) {
  DictArgs d;
  EXPECT_EQ(d.EffectiveBucket(), 0);
  d.word_ngrams = 2;
  EXPECT_EQ(d.EffectiveBucket(), 2000000);
  d.word_ngrams = 1;
  d.minn = 2;
  d.maxn = 4;
  EXPECT_EQ(d.EffectiveBucket(), 2000000);
}

}  // namespace
}  // namespace rungs::text
