#include "base/base64.h"

#include <gtest/gtest.h>

namespace rungs {
namespace {

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesWhatItEncodesIncludingTrailingZeroBytes) {
  for (std::string bytes : {std::string("REPORT\tBilled Duration: 7 ms\n"), std::string("a\0", 2),
                            std::string("ab\0\0", 4), std::string()}) {
    std::optional<std::string> decoded = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64, RefusesTextThatIsNotBase64) {
  EXPECT_FALSE(Base64Decode("Zm9").has_value());   // not a multiple of 4
  EXPECT_FALSE(Base64Decode("Zm9v!!!!").has_value());
}

}  // namespace
}  // namespace rungs
