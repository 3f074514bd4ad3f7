#include "fetch/sha256.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.h"

namespace rungs::fetch {
namespace {

using testing::FreshDir;

TEST(Sha256, MatchesPublishedTestVectors) {
  EXPECT_EQ(Sha256OfBytes(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256OfBytes("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FileDigestEqualsDigestOfItsBytesAcrossBlocks) {
  std::string bytes(200000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  std::filesystem::path path = FreshDir("f") / "data.bin";
  std::ofstream(path, std::ios::binary) << bytes;
  Result<std::string> digest = Sha256OfFile(path);
  ASSERT_TRUE(digest.ok()) << digest.message();
  EXPECT_EQ(*digest, Sha256OfBytes(bytes));
}

TEST(Sha256, MissingFileErrorNamesIt) {
  Result<std::string> digest = Sha256OfFile("/nonexistent/rungs/x.csv");
  ASSERT_FALSE(digest.ok());
  EXPECT_THAT(digest.message(), ::testing::HasSubstr("/nonexistent/rungs/x.csv"));
}

TEST(Sha256, RecognizesHexDigests) {
  EXPECT_TRUE(IsSha256Hex(std::string(64, 'a')));
  EXPECT_TRUE(IsSha256Hex(std::string(64, 'F')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a') + "g"));
}

}  // namespace
}  // namespace rungs::fetch
