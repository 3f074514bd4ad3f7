#include "base/byte_size.h"

#include <gtest/gtest.h>

namespace rungs {
namespace {

TEST(ByteSize, ReadsSuffixesAsPowersOf1024) {
  EXPECT_EQ(*ParseByteSize("4096", "--memory"), 4096);
  EXPECT_EQ(*ParseByteSize("800k", "--memory"), 800 * 1024);
  EXPECT_EQ(*ParseByteSize("512M", "--memory"), int64_t{512} << 20);
  EXPECT_EQ(*ParseByteSize("2G", "--memory"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("2g", "--memory"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("2GB", "--memory"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("2GiB", "--memory"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("1.5G", "--memory"), int64_t{3} << 29);
  EXPECT_EQ(*ParseByteSize("1T", "--memory"), int64_t{1} << 40);
  EXPECT_EQ(*ParseByteSize("10B", "--memory"), 10);
}

TEST(ByteSize, RefusesWhatIsNotASizeNamingTheFlag) {
  for (const char* text : {"", "G", "2X", "2 G", "-1G", "0", "0.0001", "1e30G", "nanG", "2GG",
                           "iB", "2Gi"}) {
    Result<int64_t> size = ParseByteSize(text, "--memory");
    ASSERT_FALSE(size.ok()) << text;
    EXPECT_NE(size.message().find("--memory must be a size"), std::string::npos) << size.message();
    EXPECT_NE(size.message().find("'" + std::string(text) + "'"), std::string::npos);
  }
}

TEST(ByteSize, WritesSizesForPeople) {
  EXPECT_EQ(ByteSizeText(512), "512 B");
  EXPECT_EQ(ByteSizeText(int64_t{3} << 29), "1.50 GB");
  EXPECT_EQ(ByteSizeText(int64_t{200} << 20), "200.0 MB");
}

}  // namespace
}  // namespace rungs
