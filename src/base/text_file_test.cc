#include "base/text_file.h"
#include "testing/temp_dir.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs {
namespace {

TEST(ReadTextFile, ReadsEveryByte) {
  std::filesystem::path path = testing::FreshDir() / "text";
  const std::string bytes("a = 1\n\0b\r\n", 10);
  std::ofstream(path, std::ios::binary) << bytes;
  Result<std::string> text = ReadTextFile(path.string());
  ASSERT_TRUE(text.ok()) << text.message();
  EXPECT_EQ(*text, bytes);
}

TEST(ReadTextFile, NamesAFileItCannotRead) {
  Result<std::string> text = ReadTextFile("/nonexistent/space.toml");
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.message(), ::testing::HasSubstr("cannot read /nonexistent/space.toml: "));
}

}  // namespace
}  // namespace rungs
