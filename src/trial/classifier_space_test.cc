#include "trial/classifier_space.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <nlohmann/json.hpp>

namespace rungs::trial {
namespace {

space::Space DefaultSpace() {
  auto space = space::Space::FromToml(DefaultClassifierSpaceToml(), "default");
  EXPECT_TRUE(space.ok()) << space.message();
  return *space;
}

TEST(ClassifierSpace, DefaultSpaceHasElevenOrMoreKnownParameters) {
  space::Space space = DefaultSpace();
  EXPECT_GE(space.size(), 11u);
  EXPECT_TRUE(CheckClassifierSpace(space).ok());
  EXPECT_FALSE(space.IndexOf("epoch").has_value()) << "epochs are the resource";
}

TEST(ClassifierSpace, DefaultStartsAreDistinctValidSettings) {
  space::Space space = DefaultSpace();
  ASSERT_EQ(space.starts().size(), 4u);
  std::set<std::string> seen;
  for (const space::Config& start : space.starts()) {
    Result<ClassifierSettings> s = SettingsFor(space, start, text::TrainArgs{});
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_GE(s->args.lr, 0.5);  // small corpora need a high rate
    EXPECT_TRUE(seen.insert(space.ToJson(start).dump()).second);
  }
}

TEST(ClassifierSpace, EverySampleGivesValidArguments) {
  space::Space space = DefaultSpace();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    space::Config config = space.Sample(rng);
    Result<ClassifierSettings> s = SettingsFor(space, config, text::TrainArgs{});
    ASSERT_TRUE(s.ok()) << s.message() << " for " << space.ToJson(config).dump();
    bool char_ngrams = space.ToJson(config)["charNgrams"].get<bool>();
    EXPECT_EQ(s->args.dict.maxn > 0, char_ngrams);
    EXPECT_GE(s->args.dict.maxn, s->args.dict.minn);
  }
}

TEST(ClassifierSpace, AppliesValuesByFastTextName) {
  auto space = space::Space::FromToml(R"(
[params.lr]
type = "fixed"
value = 0.7
[params.loss]
type = "fixed"
value = "ova"
[params.wordNgrams]
type = "fixed"
value = 2
[params.normalize]
type = "fixed"
value = true
)", "t.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  std::mt19937_64 rng(1);
  auto s = SettingsFor(*space, space->Sample(rng), text::TrainArgs{});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_DOUBLE_EQ(s->args.lr, 0.7);
  EXPECT_EQ(s->args.loss, text::Loss::kOva);
  EXPECT_EQ(s->args.dict.word_ngrams, 2);
  EXPECT_TRUE(s->normalize);
}

TEST(ClassifierSpace, UnknownParameterIsRefusedByName) {
  auto space = space::Space::FromToml("[params.dropout]\ntype = \"float\"\nmin = 0.0\nmax = 0.5\n",
                                      "mine.toml");
  ASSERT_TRUE(space.ok());
  Status s = CheckClassifierSpace(*space);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'dropout'"), std::string::npos) << s.message();
}

TEST(ClassifierSpace, BadValueIsRefusedNamingTheParameter) {
  auto space = space::Space::FromToml(
      "[params.loss]\ntype = \"choice\"\nchoices = [\"softmax\", \"hinge\"]\n", "l.toml");
  ASSERT_TRUE(space.ok());
  auto bad = SettingsFor(*space, space::Config{1}, text::TrainArgs{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("loss"), std::string::npos) << bad.message();
}

TEST(ClassifierSpace, TheSmallestDimIsTheLowestTheSpaceCanGive) {
  text::TrainArgs base;  // dim 100
  auto smallest = [&](const std::string& toml) {
    auto space = space::Space::FromToml(toml, "s.toml");
    EXPECT_TRUE(space.ok()) << space.message();
    return space.ok() ? SmallestDim(*space, base) : 0;
  };
  EXPECT_EQ(SmallestDim(DefaultSpace(), base), 16);
  EXPECT_EQ(smallest("[params.lr]\ntype = \"float\"\nmin = 0.1\nmax = 1.0\n"), 100);
  EXPECT_EQ(smallest("[params.dim]\ntype = \"choice\"\nchoices = [300, 50, 200]\n"), 50);
  EXPECT_EQ(smallest("[params.dim]\ntype = \"fixed\"\nvalue = 150\n"), 150);
  // Inactive (here with softmax), dim is base's.
  EXPECT_EQ(smallest("[params.loss]\ntype = \"choice\"\nchoices = [\"softmax\", \"ns\"]\n"
                     "[params.dim]\ntype = \"int\"\nmin = 200\nmax = 300\n"
                     "when = { param = \"loss\", op = \"==\", value = \"ns\" }\n"),
            100);
}

TEST(ClassifierSpace, TheWidestDictTakesEachDictionaryParameterToItsExtreme) {
  text::DictArgs dict{.min_count = 3, .word_ngrams = 1, .bucket = 200000, .minn = 3, .maxn = 4};
  text::DictArgs widest = WidestDict(DefaultSpace(), dict);
  EXPECT_EQ(widest.word_ngrams, 3);
  EXPECT_EQ(widest.min_count, 1);
  EXPECT_EQ(widest.bucket, 200000);  // the same rows for the same n-grams
  EXPECT_EQ(widest.minn, 2);
  EXPECT_EQ(widest.maxn, 6);
  // Without character n-grams they stay off: the bound is for this job.
  dict.minn = dict.maxn = 0;
  widest = WidestDict(DefaultSpace(), dict);
  EXPECT_EQ(widest.minn, 0);
  EXPECT_EQ(widest.maxn, 0);
  // What the space does not vary stays as given, and is never narrowed.
  auto space = space::Space::FromToml("[params.minCount]\ntype = \"choice\"\nchoices = [2, 4]\n",
                                      "s.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  dict.min_count = 1;
  widest = WidestDict(*space, dict);
  EXPECT_EQ(widest.min_count, 1);
  EXPECT_EQ(widest.word_ngrams, 1);
  EXPECT_EQ(widest.bucket, 200000);
}

// Spaces whose values the classifier refuses, and what the error names.
TEST(ClassifierSpace, ValuesTheClassifierRefusesAreFoundBeforeAnyTrial) {
  struct Case {
    const char* toml;
    const char* names;
  };
  const Case cases[] = {
      {"[params.lr]\ntype = \"float\"\nmin = -5.0\nmax = -1.0\n", "'lr' = -5"},
      {"[params.loss]\ntype = \"choice\"\nchoices = [\"softmax\", \"bogus\"]\n",
       "'loss' = \"bogus\""},
      {"[params.dim]\ntype = \"int\"\nmin = 10\nmax = 100000000\nscale = \"log\"\n",
       "'dim' = 100000000"},
      {"[params.wordNgrams]\ntype = \"fixed\"\nvalue = 0\n", "'wordNgrams' = 0"},
  };
  for (const Case& c : cases) {
    auto space = space::Space::FromToml(c.toml, "s.toml");
    ASSERT_TRUE(space.ok()) << space.message();
    Status s = CheckClassifierSpace(*space);
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.message().find(c.names), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("refused by the classifier"), std::string::npos) << s.message();
  }
}

TEST(ClassifierSpace, ValuesThatOnlyClashWithSomeOthersPass) {
  // maxn = 2 fails with minn = 4 but not with minn = 1: some trials work.
  auto space = space::Space::FromToml(
      "[params.minn]\ntype = \"int\"\nmin = 1\nmax = 4\n"
      "[params.maxn]\ntype = \"int\"\nmin = 2\nmax = 6\n",
      "n.toml");
  ASSERT_TRUE(space.ok()) << space.message();
  EXPECT_TRUE(CheckClassifierSpace(*space).ok());
  auto defaults = space::Space::FromToml(DefaultClassifierSpaceToml(), "default");
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(CheckClassifierSpace(*defaults).ok());
}

}  // namespace
}  // namespace rungs::trial
