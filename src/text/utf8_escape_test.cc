#include "text/utf8_escape.h"

#include <gtest/gtest.h>

#include <random>

namespace rungs::text {
namespace {

TEST(Utf8Escape, ValidTextNeedsNoEscape) {
  std::string out = "untouched";
  EXPECT_EQ(EscapeInvalidUtf8("plain caf\xC3\xA9 \xF0\x9F\x98\x80", out), Utf8Escape::kValid);
  EXPECT_EQ(out, "untouched");
}

TEST(Utf8Escape, RandomBytesRoundTripThroughValidUtf8) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    std::string escaped;
    Utf8Escape result = EscapeInvalidUtf8(bytes, escaped);
    if (result != Utf8Escape::kEscaped) continue;
    std::string again;
    ASSERT_EQ(EscapeInvalidUtf8(escaped, again), Utf8Escape::kValid) << "trial " << trial;
    UnescapeInvalidUtf8(escaped);
    ASSERT_EQ(escaped, bytes) << "trial " << trial;
  }
}

TEST(Utf8Escape, RejectsOverlongsSurrogatesAndTruncatedSequences) {
  for (std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF4\x90\x80\x80", "\x80"}) {
    std::string out;
    EXPECT_EQ(EscapeInvalidUtf8(bad, out), Utf8Escape::kEscaped) << bad;
    UnescapeInvalidUtf8(out);
    EXPECT_EQ(out, bad);
  }
}

TEST(Utf8Escape, InvalidBytesBesideRealEscapeCodePointsAreAmbiguous) {
  std::string out;
  // U+10FF80 written out in UTF-8, and as a JSON surrogate pair.
  EXPECT_EQ(EscapeInvalidUtf8("\xE9 \xF4\x8F\xBE\x80", out), Utf8Escape::kAmbiguous);
  EXPECT_EQ(EscapeInvalidUtf8("\xE9 \\uDBFF\\uDF80", out), Utf8Escape::kAmbiguous);
  // Without invalid bytes the same code point is just valid text.
  EXPECT_EQ(EscapeInvalidUtf8("\xF4\x8F\xBE\x80", out), Utf8Escape::kValid);
}

}  // namespace
}  // namespace rungs::text
