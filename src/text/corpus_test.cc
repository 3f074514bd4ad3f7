#include "text/corpus.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::BuildCorpus;
using testing::MakeExamples;

TEST(Corpus, EncodingIsCachedOnDictionaryArgs) {
  auto corpus = BuildCorpus(MakeExamples(100, 3, 1));
  DictArgs args;
  args.word_ngrams = 2;
  auto first = corpus->Encode(args);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(corpus->Encode(args)->get(), first->get());
  DictArgs other = args;
  other.word_ngrams = 3;
  EXPECT_NE(corpus->Encode(other)->get(), first->get());
}

TEST(Corpus, ConcurrentRequestsShareOneEncoding) {
  auto corpus = BuildCorpus(MakeExamples(2000, 5, 2));
  DictArgs args;
  args.minn = 2;
  args.maxn = 5;
  std::vector<const Encoded*> seen(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] { seen[t] = corpus->Encode(args)->get(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<const Encoded*>(seen.begin(), seen.end()).size(), 1u);
}

TEST(Corpus, EvictsTheLeastRecentlyUsedEncoding) {
  auto corpus = BuildCorpus(MakeExamples(100, 3, 1));
  corpus->SetCacheLimits(1, INT64_MAX);
  DictArgs a, b;
  b.min_count = 2;
  auto first = *corpus->Encode(a);
  ASSERT_TRUE(corpus->Encode(b).ok());
  auto again = *corpus->Encode(a);
  EXPECT_NE(again.get(), first.get());  // recomputed...
  EXPECT_EQ(again->inputs, first->inputs);  // ...to the same result
}

TEST(Corpus, EncodingWithItsOwnDictionaryIsTheCachedEncodingOrMadeAgain) {
  auto corpus = BuildCorpus(MakeExamples(100, 3, 1));
  corpus->SetCacheLimits(1, INT64_MAX);
  DictArgs a, b;
  b.min_count = 2;
  auto first = *corpus->Encode(a);
  EXPECT_EQ(corpus->EncodeWith(first->dict)->get(), first.get());
  ASSERT_TRUE(corpus->Encode(b).ok());  // `a`'s encoding leaves the cache
  auto again = *corpus->EncodeWith(first->dict);
  EXPECT_NE(again.get(), first.get());
  EXPECT_EQ(again->dict, first->dict);
  EXPECT_EQ(again->inputs, first->inputs);
}

TEST(Corpus, KeepsTheEncodingsWithinItsByteLimitButAlwaysTheLatest) {
  auto corpus = BuildCorpus(MakeExamples(200, 3, 1));
  DictArgs a, b, c;
  b.min_count = 2;
  c.word_ngrams = 2;
  auto first = *corpus->Encode(a);
  const int64_t one = first->bytes() + first->dict->bytes();
  corpus->SetCacheLimits(8, 2 * one + one / 2);  // room for about two
  ASSERT_TRUE(corpus->Encode(b).ok());  // no larger than the first
  EXPECT_EQ(corpus->Cached().size(), 2u);
  ASSERT_TRUE(corpus->Encode(c).ok());  // bigrams: larger than either
  auto cached = corpus->Cached();
  ASSERT_FALSE(cached.empty());
  int64_t bytes = 0;
  for (const auto& e : cached) bytes += e->bytes() + e->dict->bytes();
  EXPECT_TRUE(cached.size() == 1 || bytes <= 2 * one + one / 2);
  EXPECT_EQ(cached.back()->dict->args().word_ngrams, 2);  // the latest stays
  corpus->SetCacheLimits(8, 1);  // smaller than any one encoding
  cached = corpus->Cached();
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0]->dict->args().word_ngrams, 2);
}

TEST(Corpus, ForgetsEncodingsAgainstADictionaryNothingElseHolds) {
  auto train = BuildCorpus(MakeExamples(100, 3, 1));
  auto valid = BuildCorpus(MakeExamples(50, 3, 2));
  DictArgs bigrams;
  bigrams.word_ngrams = 2;
  auto kept = (*train->Encode(DictArgs{}))->dict;
  ASSERT_TRUE(valid->EncodeWith(kept).ok());
  ASSERT_TRUE(valid->EncodeWith((*train->Encode(bigrams))->dict).ok());
  EXPECT_EQ(valid->Cached().size(), 2u);
  train->DropCache();  // only `kept` is still held, here
  DictArgs pruned;
  pruned.min_count = 2;
  ASSERT_TRUE(valid->EncodeWith((*train->Encode(pruned))->dict).ok());
  std::set<const Dictionary*> dicts;
  for (const auto& e : valid->Cached()) dicts.insert(e->dict.get());
  EXPECT_EQ(dicts.size(), 2u);
  EXPECT_TRUE(dicts.count(kept.get()));
}

TEST(Corpus, ListsTheEncodingsItCaches) {
  auto corpus = BuildCorpus(MakeExamples(100, 3, 1));
  auto other = BuildCorpus(MakeExamples(50, 3, 2));
  EXPECT_TRUE(corpus->Cached().empty());
  auto own = *corpus->Encode(DictArgs{});
  auto with = *corpus->EncodeWith((*other->Encode(DictArgs{}))->dict);
  auto cached = corpus->Cached();
  ASSERT_EQ(cached.size(), 2u);
  EXPECT_EQ(std::set(cached.begin(), cached.end()), (std::set{own, with}));
  EXPECT_GE(own->bytes(), static_cast<int64_t>(own->inputs.size() * sizeof(int32_t)));
  corpus->SetCacheLimits(1, INT64_MAX);
  DictArgs bigrams;
  bigrams.word_ngrams = 2;
  ASSERT_TRUE(corpus->Encode(bigrams).ok());
  EXPECT_EQ(corpus->Cached().size(), 2u);  // one of each kind
}

TEST(Corpus, CountsFastTextTokensPerExample) {
  // Labels, words and the </s> fastText reads at each line end.
  Corpus::Builder builder;
  const std::string_view labels[] = {"x", "y"};
  const std::string_view words[] = {"a", "b", "a"};
  builder.Add(labels, words);
  builder.Add(std::span(labels, 1), std::span(words, 1));
  auto corpus = *std::move(builder).Finish();
  auto data = *corpus->Encode(DictArgs{});
  EXPECT_EQ(data->ntokens, (std::vector<int32_t>{6, 3}));
  EXPECT_EQ(data->total_tokens, 9);
  EXPECT_EQ(data->dict->ntokens(), 9);
  // Words by count: a (3), </s> (2), b (1); rows: a b a </s> = 0 2 0 1.
  const auto rows = data->Inputs(0);
  EXPECT_EQ(std::vector<int32_t>(rows.begin(), rows.end()), (std::vector<int32_t>{0, 2, 0, 1}));
  EXPECT_EQ(data->dict->Label(0), "__label__x");
}

TEST(Corpus, EncodesAnotherCorpusWithTheTrainingDictionary) {
  auto train = BuildCorpus(MakeExamples(100, 3, 1));
  DictArgs args;
  args.minn = 3;
  args.maxn = 3;
  auto data = *train->Encode(args);
  Corpus::Builder builder;
  const std::string_view labels[] = {"c0", "never_seen"};
  const std::string_view words[] = {"zzzz"};
  builder.Add(labels, words);
  auto test = *std::move(builder).Finish();
  auto encoded = test->EncodeWith(data->dict);
  ASSERT_TRUE(encoded.ok());
  // The unknown label is dropped; the unknown word gives its char 3-grams
  // (<zz zzz zzz zz>), then </s>.
  EXPECT_EQ((*encoded)->Labels(0).size(), 1u);
  EXPECT_EQ((*encoded)->Inputs(0).size(), 5u);
  EXPECT_EQ((*encoded)->ntokens[0], 4);
  EXPECT_EQ(test->EncodeWith(data->dict)->get(), encoded->get());
}

TEST(Corpus, AnEncodingHoldsNoSpareCapacity) {
  auto corpus = BuildCorpus(MakeExamples(300, 4, 5));
  for (int ngrams : {1, 2, 3}) {
    DictArgs args;
    args.word_ngrams = ngrams;
    args.bucket = 5000;
    args.minn = 2;
    args.maxn = 4;
    auto encoded = corpus->Encode(args);
    ASSERT_TRUE(encoded.ok()) << encoded.message();
    EXPECT_EQ((*encoded)->inputs.capacity(), (*encoded)->inputs.size()) << ngrams;
  }
}

TEST(Corpus, CountsExamplesWithWordsAndNoLabel) {
  Corpus::Builder builder;
  const std::vector<std::string_view> label = {"a"}, none, words = {"x", "y"};
  builder.Add(label, words);
  builder.Add(none, words);  // skipped by training and scoring
  builder.Add(none, none);   // an empty line
  builder.Add(label, none);
  auto corpus = std::move(builder).Finish();
  ASSERT_TRUE(corpus.ok());
  EXPECT_EQ((*corpus)->labelled(), 2);
  EXPECT_EQ((*corpus)->unlabelled(), 1);
}

TEST(Corpus, FinishFailsWithoutExamples) {
  Corpus::Builder builder;
  auto corpus = std::move(builder).Finish();
  EXPECT_FALSE(corpus.ok());
}

TEST(Corpus, LoadsAFastTextFileLikeTheSameExamplesInMemory) {
  const std::string dir = testing::FreshDir();
  const auto examples = MakeExamples(200, 4, 3);
  testing::WriteFastTextFile(examples, dir + "/train.txt");
  ReadOptions options;
  options.format = Format::kFastText;
  auto loaded = Corpus::Load(dir + "/train.txt", options);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  DictArgs args;
  args.word_ngrams = 2;
  auto from_file = *(*loaded)->Encode(args);
  auto in_memory = *BuildCorpus(examples)->Encode(args);
  EXPECT_EQ(from_file->inputs, in_memory->inputs);
  EXPECT_EQ(from_file->labels, in_memory->labels);
  EXPECT_EQ(from_file->ntokens, in_memory->ntokens);
  auto missing = Corpus::Load(dir + "/missing.txt", options);
  EXPECT_FALSE(missing.ok());
}

}  // namespace
}  // namespace rungs::text
