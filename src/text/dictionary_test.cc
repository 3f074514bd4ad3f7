#include "text/dictionary.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "text/fasttext_bin.h"
#include "testing/run_program.h"
#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::BuildCorpus;
using testing::FreshDir;
using testing::MakeExamples;
using testing::RunCommand;
using testing::WriteFastTextFile;


// The FNV-1a that fastText should have used (bytes as unsigned).
uint32_t UnsignedFnv(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

TEST(FastTextHash, SignExtendsHighBytes) {
  EXPECT_EQ(FastTextHash(""), 2166136261u);
  // ASCII is unaffected by the quirk; bytes >= 0x80 are.
  EXPECT_EQ(FastTextHash("hello"), UnsignedFnv("hello"));
  EXPECT_NE(FastTextHash("caf\xc3\xa9"), UnsignedFnv("caf\xc3\xa9"));
  uint32_t h = 2166136261u;
  h = (h ^ 0xFFFFFFC3u) * 16777619u;
  h = (h ^ 0xFFFFFFA9u) * 16777619u;
  EXPECT_EQ(FastTextHash("\xc3\xa9"), h);
}

TEST(Dictionary, CharNgramsCountUtf8CharactersAndSkipLoneBrackets) {
  std::vector<Entry> entries = {{"x", 1, EntryType::kWord}, {"__label__a", 1, EntryType::kLabel}};
  DictArgs args;
  args.minn = 1;
  args.maxn = 2;
  args.bucket = 1 << 30;
  auto dict = Dictionary::FromSorted(entries, 2, args);
  ASSERT_TRUE(dict.ok());
  std::vector<int32_t> rows;
  dict->AppendCharNgrams("\xc3\xa9t", rows);  // "<ét>": é is one character
  // n=1: "é", "t" (not "<" or ">"); n=2: "<é", "ét", "t>".
  std::vector<std::string> grams = {"\xc3\xa9", "<\xc3\xa9", "\xc3\xa9t", "t", "t>"};
  ASSERT_EQ(rows.size(), grams.size());
  std::vector<int32_t> expected;
  for (const auto& g : grams) {
    expected.push_back(dict->nwords() + static_cast<int32_t>(FastTextHash(g) % (1u << 30)));
  }
  std::sort(rows.begin(), rows.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows, expected);
}

TEST(Dictionary, WordNgramBucketWidensSignedHashes) {
  // fastText mixes hashes as sign-extended int32: a hash >= 2^31 contributes
  // 0xFFFFFFFF........ to the 64-bit product.
  const uint32_t hashes[] = {0x80000001u, 7u};
  const uint64_t h = 0xFFFFFFFF80000001ull * 116049371ull + 7ull;
  EXPECT_EQ(WordNgramBucket(hashes, 2000000), static_cast<int32_t>(h % 2000000));
}

TEST(Dictionary, BuildPrunesBelowMinCountAndKeepsWordsBeforeLabels) {
  std::vector<Entry> entries = {{"__label__b", 1, EntryType::kLabel},
                                {"rare", 1, EntryType::kWord},
                                {"common", 5, EntryType::kWord},
                                {"__label__a", 3, EntryType::kLabel},
                                {"mid", 2, EntryType::kWord}};
  DictArgs args;
  args.min_count = 2;
  args.min_count_label = 2;
  auto dict = Dictionary::Build(entries, 12, args);
  ASSERT_TRUE(dict.ok());
  ASSERT_EQ(dict->size(), 3);
  EXPECT_EQ(dict->entries()[0].word, "common");
  EXPECT_EQ(dict->entries()[1].word, "mid");
  EXPECT_EQ(dict->Label(0), "__label__a");
  EXPECT_EQ(dict->nwords(), 2);
  EXPECT_EQ(dict->Find("rare"), -1);
  EXPECT_EQ(dict->Find("mid"), 1);
}

TEST(Dictionary, BuildFailsWhenEverythingIsPruned) {
  DictArgs args;
  args.min_count = 10;
  args.min_count_label = 10;
  auto dict = Dictionary::Build({{"w", 1, EntryType::kWord}}, 1, args);
  ASSERT_FALSE(dict.ok());
  EXPECT_NE(dict.message().find("empty vocabulary"), std::string::npos);
}

// Trains `fasttext supervised` on a synthetic file, then checks our
// dictionary, subword ids and sentence vectors against what fastText's own
// python binding reports for that model.
TEST(Dictionary, MatchesFastTextOrderingSubwordsAndNgramBuckets) {
  if (!testing::HaveFastText()) GTEST_SKIP() << "/usr/bin/fasttext not installed";
  const std::string dir = FreshDir();
  const auto examples = MakeExamples(300, 5, 11);
  WriteFastTextFile(examples, dir + "/train.txt");
  int status = 0;
  RunCommand("/usr/bin/fasttext supervised -input " + dir + "/train.txt -output " + dir +
                 "/ft -minn 2 -maxn 4 -bucket 5000 -wordNgrams 3 -minCount 2 -epoch 1 -thread 1 "
                 "-dim 8 -verbose 0 2>&1",
             status);
  ASSERT_EQ(status, 0);

  // Ordering: the dictionary we build from the same examples equals fastText's.
  DictArgs args;
  args.minn = 2;
  args.maxn = 4;
  args.bucket = 5000;
  args.word_ngrams = 3;
  args.min_count = 2;
  auto encoded = BuildCorpus(examples)->Encode(args);
  ASSERT_TRUE(encoded.ok()) << encoded.message();
  auto loaded = LoadFastTextBin(dir + "/ft.bin");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  const Model& model = loaded->model;
  const Dictionary& ours = *(*encoded)->dict;
  const Dictionary& theirs = model.dict();
  ASSERT_EQ(ours.size(), theirs.size());
  EXPECT_EQ(ours.nwords(), theirs.nwords());
  EXPECT_EQ(ours.ntokens(), theirs.ntokens());
  for (int32_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours.entries()[i].word, theirs.entries()[i].word) << "entry " << i;
    EXPECT_EQ(ours.entries()[i].count, theirs.entries()[i].count) << "entry " << i;
  }

  // Subwords and sentence vectors, from python's fasttext module.
  const std::vector<std::string> words = {"the", "caf\xc3\xa9", "w0_6", "unseen", "\xc3\xa9t\xc3\xa9x"};
  const std::vector<std::string> sentences = {"the w1_0 caf\xc3\xa9 of", "unseen words here x\xe2\x82\xacy",
                                              "w2_4 w2_4 w2_8 __label__c2 a"};
  nlohmann::json query = {{"words", words}, {"sentences", sentences}};
  std::ofstream(dir + "/query.json") << query.dump();
  std::ofstream(dir + "/probe.py") << R"(import sys, json, fasttext
m = fasttext.load_model(sys.argv[1])
q = json.load(open(sys.argv[2], encoding="utf-8"))
out = {"subwords": [[int(i) for i in m.get_subwords(w)[1]] for w in q["words"]],
       "sentences": [[float(v) for v in m.get_sentence_vector(s)] for s in q["sentences"]]}
print(json.dumps(out))
)";
  const std::string probe = RunCommand("/usr/bin/python3 " + dir + "/probe.py " + dir + "/ft.bin " +
                                           dir + "/query.json 2>/dev/null",
                                       status);
  if (status != 0) GTEST_SKIP() << "python3 fasttext module not available";
  const auto reply = nlohmann::json::parse(probe);
  for (size_t w = 0; w < words.size(); ++w) {
    std::vector<int32_t> rows;
    const int32_t id = theirs.Find(words[w]);
    if (id >= 0) {
      auto sub = theirs.Subwords(id);
      rows.assign(sub.begin(), sub.end());
    } else {
      theirs.AppendCharNgrams(words[w], rows);
    }
    EXPECT_EQ(rows, reply["subwords"][w].get<std::vector<int32_t>>()) << words[w];
  }
  PredictScratch scratch;
  std::vector<float> hidden(model.args().dim);
  for (size_t s = 0; s < sentences.size(); ++s) {
    std::vector<std::string_view> split;
    for (size_t b = 0, e; b < sentences[s].size(); b = e + 1) {
      e = sentences[s].find(' ', b);
      if (e == std::string::npos) e = sentences[s].size();
      split.push_back(std::string_view(sentences[s]).substr(b, e - b));
    }
    theirs.EncodeLine(split, scratch.rows, scratch.hashes);
    model.ComputeHidden(scratch.rows, hidden.data(), scratch);
    const auto expected = reply["sentences"][s].get<std::vector<double>>();
    ASSERT_EQ(expected.size(), hidden.size());
    for (size_t j = 0; j < hidden.size(); ++j) {
      EXPECT_EQ(hidden[j], static_cast<float>(expected[j])) << sentences[s] << " dim " << j;
    }
  }
}

}  // namespace
}  // namespace rungs::text
