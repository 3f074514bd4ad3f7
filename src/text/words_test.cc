#include "text/words.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "text/reader.h"

namespace rungs::text {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Split(std::string_view line, bool normalize) {
  std::string scratch;
  std::vector<std::string_view> views;
  SplitWords(line, normalize, scratch, views);
  return {views.begin(), views.end()};
}

TEST(Words, SplitWhereFastTextSplits) {
  static constexpr char kLine[] = "a\tb\vc\fd\re\0f  g\n";
  std::string line(kLine, sizeof(kLine) - 1);
  EXPECT_THAT(Split(line, false), ElementsAre("a", "b", "c", "d", "e", "f", "g"));
}

TEST(Words, KeepPunctuationAndCaseWithoutNormalize) {
  EXPECT_THAT(Split("  Hello, World!  ", false), ElementsAre("Hello,", "World!"));
}

TEST(Words, PassNonUtf8BytesThroughUntouched) {
  EXPECT_THAT(Split("caf\xe9 na\xefve \xff\xfe", false),
              ElementsAre("caf\xe9", "na\xefve", "\xff\xfe"));
}

TEST(Words, NormalizeLowercasesAsciiAndSetsPunctuationRunsApart) {
  EXPECT_THAT(Split("Hello, World!! don't (C++)", true),
              ElementsAre("hello", ",", "world", "!!", "don", "'", "t", "(", "c", "++)"));
}

TEST(Words, NormalizeLeavesHighBytesAlone) {
  // Latin-1 capital E acute (0xC9) is not ASCII: neither lowercased nor split.
  EXPECT_THAT(Split("\xC9TAT \xC9t\xE9.", true), ElementsAre("\xC9tat", "\xC9t\xE9", "."));
}

TEST(Words, AppendNormalizedKeepsSeparatorsAsTheyAre) {
  std::string out = "x ";
  AppendNormalized("A\tB.", out);
  EXPECT_EQ(out, "x a\tb .");
}

}  // namespace
}  // namespace rungs::text
