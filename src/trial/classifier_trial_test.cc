#include "trial/classifier_trial.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "testing/temp_dir.h"

namespace rungs::trial {
namespace {

// A small separable corpus: each label has its own words plus shared noise.
std::string WriteCorpus(const std::string& name, int lines, uint64_t seed) {
  const std::string path = testing::TestPath(name + ".txt");
  std::mt19937_64 rng(seed);
  std::ofstream out(path);
  const char* labels[] = {"sports", "tech", "food"};
  for (int i = 0; i < lines; ++i) {
    int l = static_cast<int>(rng() % 3);
    out << "__label__" << labels[l];
    for (int w = 0; w < 8; ++w) {
      out << " " << (rng() % 3 == 0 ? "w" : labels[l]) << rng() % 20;
    }
    out << "\n";
  }
  return path;
}

class ClassifierTrialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto space = space::Space::FromToml(R"(
[params.lr]
type = "float"
min = 0.1
max = 1.0
scale = "log"
[params.dim]
type = "int"
min = 8
max = 16
)", "t.toml");
    ASSERT_TRUE(space.ok()) << space.message();
    space_ = std::make_unique<space::Space>(*space);
    train_ = WriteCorpus("rungs_trial_train", 600, 1);
    DataSpec spec;
    spec.train = train_;
    spec.valid_fraction = 0.25;
    data_ = std::make_unique<ClassifierData>(spec);
    options_.base.thread = 1;
  }
  void TearDown() override { std::filesystem::remove(train_); }

  job::Job JobFor(uint32_t trial, int from, int to) {
    job::Job job;
    job.id = next_id_++;
    job.trial = trial;
    job.epochs_from = from;
    job.epochs_to = to;
    job.config = space::Config{0.5, 12};
    return job;
  }

  std::unique_ptr<space::Space> space_;
  std::string train_;
  std::unique_ptr<ClassifierData> data_;
  TrialOptions options_;
  uint64_t next_id_ = 1;
};

TEST_F(ClassifierTrialTest, SplitTakesAnExactSeededShare) {
  auto corpora = data_->Get(false);
  ASSERT_TRUE(corpora.ok()) << corpora.message();
  EXPECT_EQ(corpora->valid->size(), 150);
  EXPECT_EQ(corpora->train->size(), 450);
}

TEST_F(ClassifierTrialTest, LearnsTheSeparableCorpus) {
  ClassifierTrial trial(*space_, *data_, options_);
  job::JobResult r = trial.Run(JobFor(1, 0, 5), nullptr);
  ASSERT_EQ(r.outcome, job::Outcome::kOk) << r.error;
  EXPECT_GT(r.metric, 0.9);
  EXPECT_EQ(r.epochs_trained, 5);
  Result<std::optional<text::Model>> model = trial.TakeModel(1, 5, JobFor(1, 0, 5).config);
  ASSERT_TRUE(model.ok()) << model.message();
  ASSERT_TRUE(model->has_value());
  EXPECT_EQ((*model)->dict().nlabels(), 3);
  EXPECT_FALSE(trial.TakeModel(1, 5, JobFor(1, 0, 5).config)->has_value());  // taken
}

TEST_F(ClassifierTrialTest, ThePromotedBestResumesFromACopyThatStaysForExport) {
  ClassifierTrial trial(*space_, *data_, options_);
  ASSERT_EQ(trial.Run(JobFor(1, 0, 2), nullptr).outcome, job::Outcome::kOk);  // the best
  ASSERT_EQ(trial.Run(JobFor(2, 0, 1), nullptr).outcome, job::Outcome::kOk);
  const int64_t held = trial.checkpoints().bytes();
  // Promotions that diverge: they end without a checkpoint of their own.
  for (uint32_t t : {1u, 2u}) {
    job::Job promoted = JobFor(t, t == 1 ? 2 : 1, 4);
    promoted.lr_scale = 1e30;
    ASSERT_EQ(trial.Run(promoted, nullptr).outcome, job::Outcome::kDiverged);
  }
  // The best's checkpoint was copied, the other one's taken.
  EXPECT_LT(trial.checkpoints().bytes(), held);
  EXPECT_EQ(trial.checkpoints().BytesInMemory(2), 0);
  Result<std::optional<text::Model>> best = trial.TakeModel(1, 2, JobFor(1, 0, 2).config);
  ASSERT_TRUE(best.ok()) << best.message();
  EXPECT_TRUE(best->has_value());
  EXPECT_FALSE(trial.TakeModel(2, 1, JobFor(2, 0, 1).config)->has_value());
}

TEST_F(ClassifierTrialTest, HeldBytesCountCheckpointsEncodingsAndEachDictionaryOnce) {
  ClassifierTrial trial(*space_, *data_, options_);
  ASSERT_EQ(trial.Run(JobFor(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
  // The training corpus encoded for the trial, and the validation corpus
  // encoded with its dictionary: one dictionary, shared by the checkpoint.
  auto encodings = data_->CachedEncodings();
  ASSERT_EQ(encodings.size(), 2u);
  ASSERT_EQ(encodings[0]->dict, encodings[1]->dict);
  ASSERT_EQ(trial.checkpoints().Dictionaries().at(0), encodings[0]->dict);
  EXPECT_EQ(trial.held_bytes(), trial.checkpoints().bytes() + encodings[0]->bytes() +
                                    encodings[1]->bytes() + encodings[0]->dict->bytes());
}

TEST_F(ClassifierTrialTest, ReleaseFreesTheCheckpointsFirstThenTheCachedEncodings) {
  ClassifierTrial trial(*space_, *data_, options_);
  ASSERT_EQ(trial.Run(JobFor(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
  ASSERT_EQ(trial.Run(JobFor(2, 0, 1), nullptr).outcome, job::Outcome::kOk);
  const int64_t checkpoints = trial.checkpoints().bytes();
  ASSERT_GT(checkpoints, 0);
  // A little: the oldest checkpoint goes, the encodings stay.
  ASSERT_TRUE(trial.Release(1).ok());
  EXPECT_LT(trial.checkpoints().bytes(), checkpoints);
  EXPECT_EQ(data_->CachedEncodings().size(), 2u);
  // More than the checkpoints: the encodings go too, and nothing is held.
  ASSERT_TRUE(trial.Release(trial.held_bytes()).ok());
  EXPECT_TRUE(data_->CachedEncodings().empty());
  EXPECT_EQ(trial.held_bytes(), 0);
  // The next job makes its encoding again.
  ASSERT_EQ(trial.Run(JobFor(3, 0, 1), nullptr).outcome, job::Outcome::kOk);
  EXPECT_EQ(data_->CachedEncodings().size(), 2u);
}

TEST_F(ClassifierTrialTest, PromotionResumesFromTheCheckpoint) {
  ClassifierTrial trial(*space_, *data_, options_);
  ASSERT_EQ(trial.Run(JobFor(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
  job::JobResult promoted = trial.Run(JobFor(1, 1, 3), nullptr);
  ASSERT_EQ(promoted.outcome, job::Outcome::kOk) << promoted.error;
  EXPECT_EQ(promoted.epochs_trained, 2);  // only the new epochs
}

TEST_F(ClassifierTrialTest, PromotionResumesAfterTheEncodingWasDropped) {
  ClassifierTrial trial(*space_, *data_, options_);
  ASSERT_EQ(trial.Run(JobFor(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
  // Other trials' dictionaries push this trial's encoding out of the cache.
  auto corpora = data_->Get(false);
  ASSERT_TRUE(corpora.ok()) << corpora.message();
  corpora->train->SetCacheLimits(1, INT64_MAX);
  text::DictArgs other;
  other.word_ngrams = 2;
  other.bucket = 1000;
  auto cached = corpora->train->Encode(other);
  ASSERT_TRUE(cached.ok());
  job::JobResult promoted = trial.Run(JobFor(1, 1, 3), nullptr);
  ASSERT_EQ(promoted.outcome, job::Outcome::kOk) << promoted.error;
  EXPECT_EQ(promoted.epochs_trained, 2);  // resumed, not retrained
  EXPECT_GT(promoted.metric, 0.9);
  // Encoded again with the checkpoint's dictionary only: no fresh dictionary
  // for the trial's settings took the other encoding's place.
  EXPECT_EQ(corpora->train->Encode(other)->get(), cached->get());
}

TEST_F(ClassifierTrialTest, PromotionWithoutCheckpointRetrainsFromScratch) {
  options_.checkpoint_memory_bytes = 0;  // keeps nothing
  ClassifierTrial trial(*space_, *data_, options_);
  ASSERT_EQ(trial.Run(JobFor(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
  job::JobResult promoted = trial.Run(JobFor(1, 1, 3), nullptr);
  ASSERT_EQ(promoted.outcome, job::Outcome::kOk) << promoted.error;
  EXPECT_EQ(promoted.epochs_trained, 3);
}

TEST_F(ClassifierTrialTest, PromotionResumesFromASpilledCheckpoint) {
  options_.checkpoint_memory_bytes = 0;  // every checkpoint goes to disk
  options_.checkpoint_dir = (std::filesystem::temp_directory_path() /
                             ("rungs_trial_spill_" + std::to_string(::getpid())))
                                .string();
  std::filesystem::remove_all(options_.checkpoint_dir);
  {
    ClassifierTrial trial(*space_, *data_, options_);
    ASSERT_EQ(trial.Run(JobFor(1, 0, 1), nullptr).outcome, job::Outcome::kOk);
    EXPECT_EQ(trial.checkpoints().bytes(), 0);
    EXPECT_EQ(trial.checkpoints().spilled_files(), 1);
  }
  // A new process (a resumed experiment) continues from the file.
  ClassifierTrial trial(*space_, *data_, options_);
  job::JobResult promoted = trial.Run(JobFor(1, 1, 3), nullptr);
  ASSERT_EQ(promoted.outcome, job::Outcome::kOk) << promoted.error;
  EXPECT_EQ(promoted.epochs_trained, 2);  // resumed, not retrained
  EXPECT_GT(promoted.metric, 0.9);
  std::filesystem::remove_all(options_.checkpoint_dir);
}

TEST_F(ClassifierTrialTest, PredictsAJobsMemoryAndThatOfTheCheckpointItResumes) {
  ClassifierTrial trial(*space_, *data_, options_);
  job::Job first = JobFor(1, 0, 1);
  Result<JobMemoryNeed> fresh = trial.PredictMemory(first, Prediction::kExact);
  ASSERT_TRUE(fresh.ok()) << fresh.message();
  EXPECT_GT(fresh->bytes, 0);
  EXPECT_EQ(fresh->held, 0);
  ASSERT_EQ(trial.Run(first, nullptr).outcome, job::Outcome::kOk);
  const int64_t checkpoint = trial.checkpoints().bytes();
  ASSERT_GT(checkpoint, 0);
  // The job's own matrices are within its prediction.
  EXPECT_LE(checkpoint, fresh->bytes);
  ASSERT_EQ(trial.Run(JobFor(3, 0, 2), nullptr).outcome, job::Outcome::kOk);  // the best now
  Result<JobMemoryNeed> resumed = trial.PredictMemory(JobFor(1, 1, 3), Prediction::kExact);
  ASSERT_TRUE(resumed.ok());
  EXPECT_GE(resumed->bytes, fresh->bytes);
  EXPECT_EQ(resumed->held, checkpoint);  // taken over, not new memory
  // The best's checkpoint stays (a copy resumes): all of it is new memory.
  Result<JobMemoryNeed> best = trial.PredictMemory(JobFor(3, 2, 4), Prediction::kExact);
  ASSERT_TRUE(best.ok());
  EXPECT_GE(best->bytes, fresh->bytes);
  EXPECT_EQ(best->held, 0);
  // A larger dim predicts more.
  job::Job wide = JobFor(2, 0, 1);
  wide.config = space::Config{0.5, 16};
  EXPECT_GT(trial.PredictMemory(wide, Prediction::kExact)->bytes, fresh->bytes);
}

TEST_F(ClassifierTrialTest, TheExactPredictionSoonIsCountedOffThisThread) {
  ClassifierTrial trial(*space_, *data_, options_);
  const job::Job job = JobFor(1, 0, 1);
  Result<std::optional<JobMemoryNeed>> soon = trial.PredictExactSoon(job);
  ASSERT_TRUE(soon.ok()) << soon.message();
  EXPECT_FALSE(soon->has_value());  // not counted yet: the count was posted
  while (soon.ok() && !soon->has_value()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    soon = trial.PredictExactSoon(job);
  }
  ASSERT_TRUE(soon.ok()) << soon.message();
  Result<JobMemoryNeed> exact = trial.PredictMemory(job, Prediction::kExact);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ((*soon)->bytes, exact->bytes);
  EXPECT_FALSE((*soon)->upper_bound);
}

// Text with a long tail of words, case and punctuation, so that minCount,
// normalization and every kind of n-gram change what an encoding holds.
std::string WriteVariedCorpus(const std::string& name, int lines, uint64_t seed) {
  const std::string path = testing::TestPath(name + ".txt");
  std::mt19937_64 rng(seed);
  std::ofstream out(path);
  for (int i = 0; i < lines; ++i) {
    out << "__label__c" << rng() % 4;
    const int words = 3 + int(rng() % 30);
    for (int w = 0; w < words; ++w) {
      const uint64_t id = (rng() % 40) * (rng() % 40);  // most are rare
      out << " " << (rng() % 5 == 0 ? "Word" : "word") << id << (rng() % 7 == 0 ? "," : "");
    }
    out << "\n";
  }
  return path;
}

// Each count the estimate uses, for the space's widest setting, is at least
// the count for each configuration's own.
TEST(ClassifierTrialBound, TheWidestDictCountsAtLeastWhatAnyConfigurationHolds) {
  const std::string train = WriteVariedCorpus("rungs_trial_widest", 400, 5);
  DataSpec spec;
  spec.train = train;
  ClassifierData data(spec);
  Result<space::Space> space = space::Space::FromToml(DefaultClassifierSpaceToml(), "d.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  std::mt19937_64 rng(11);
  for (int i = 0; i < 60; ++i) {
    Result<ClassifierSettings> settings = SettingsFor(*space, space->Sample(rng), {});
    ASSERT_TRUE(settings.ok()) << settings.message();
    const text::DictArgs& dict = settings->args.dict;
    Result<TrainValid> corpora = data.Get(settings->normalize);
    ASSERT_TRUE(corpora.ok()) << corpora.message();
    Result<text::CorpusStats> own = corpora->train->Stats(dict);
    Result<text::CorpusStats> widest = corpora->train->Stats(WidestDict(*space, dict));
    ASSERT_TRUE(own.ok() && widest.ok());
    EXPECT_GE(widest->nwords, own->nwords);
    EXPECT_GE(widest->nlabels, own->nlabels);
    EXPECT_GE(widest->max_example_rows, own->max_example_rows);
    EXPECT_GE(widest->dictionary_bytes, own->dictionary_bytes);
    EXPECT_GE(widest->nwords + dict.EffectiveBucket(), own->input_rows);
    EXPECT_GE(widest->used_rows, own->used_rows);
  }
  std::filesystem::remove(train);
}

TEST(ClassifierTrialBound, TheUpperBoundIsNeverBelowTheExactPrediction) {
  const std::string train = WriteVariedCorpus("rungs_trial_bound", 400, 3);
  DataSpec spec;
  spec.train = train;
  spec.valid_fraction = 0.25;
  ClassifierData data(spec);
  // The default space, and one with small buckets where the dictionary and
  // the encoded corpus, not the rows, are most of the need.
  std::string small(DefaultClassifierSpaceToml());
  small.resize(small.find("[[start]]"));  // the starts use 2M buckets
  small.replace(small.find("[200000, 500000, 1000000, 2000000]"), 34, "[100, 3000]");
  for (const std::string& toml : {std::string(DefaultClassifierSpaceToml()), small}) {
    Result<space::Space> space = space::Space::FromToml(toml, "space.toml");
    ASSERT_TRUE(space.ok()) << space.message();
    TrialOptions options;
    options.base.thread = 1;
    ClassifierTrial trial(*space, data, options);
    std::mt19937_64 rng(7);
    for (uint32_t i = 0; i < 60; ++i) {
      job::Job job{.id = i, .trial = i, .epochs_to = 1, .config = space->Sample(rng)};
      Result<JobMemoryNeed> exact = trial.PredictMemory(job, Prediction::kExact);
      Result<JobMemoryNeed> bound = trial.PredictMemory(job, Prediction::kUpperBound);
      ASSERT_TRUE(exact.ok() && bound.ok()) << exact.message() << bound.message();
      EXPECT_FALSE(exact->upper_bound);
      EXPECT_TRUE(bound->upper_bound);
      EXPECT_GE(bound->bytes, exact->bytes) << space->ToJson(job.config).dump();
    }
  }
  std::filesystem::remove(train);
}

TEST_F(ClassifierTrialTest, TooMuchMemoryFailsTheJobNotTheRun) {
  options_.base.memory_limit_bytes = 1000;
  ClassifierTrial trial(*space_, *data_, options_);
  job::JobResult r = trial.Run(JobFor(1, 0, 1), nullptr);
  EXPECT_EQ(r.outcome, job::Outcome::kFailed);
  EXPECT_FALSE(r.error.empty());
}

TEST_F(ClassifierTrialTest, CancelledJobReportsAbandoned) {
  ClassifierTrial trial(*space_, *data_, options_);
  std::atomic<bool> cancel{true};
  job::JobResult r = trial.Run(JobFor(1, 0, 5000), &cancel);
  EXPECT_EQ(r.outcome, job::Outcome::kAbandoned);
  EXPECT_LT(r.epochs_trained, 5000);
}

TEST_F(ClassifierTrialTest, LossMetricIsSmallForAGoodModel) {
  options_.metric = Metric::kLoss;
  ClassifierTrial trial(*space_, *data_, options_);
  job::JobResult r = trial.Run(JobFor(1, 0, 5), nullptr);
  ASSERT_EQ(r.outcome, job::Outcome::kOk) << r.error;
  EXPECT_GT(r.metric, 0.0);
  EXPECT_LT(r.metric, 0.5);  // chance would be ln 3 = 1.1
}

TEST(Metric, ParsesKnownNamesOnly) {
  EXPECT_EQ(*ParseMetric("f1"), Metric::kF1);
  EXPECT_FALSE(ParseMetric("auc").ok());
  EXPECT_FALSE(Maximize(Metric::kLoss));
}

}  // namespace
}  // namespace rungs::trial
