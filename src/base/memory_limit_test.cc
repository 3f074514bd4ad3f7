#include "base/memory_limit.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

namespace rungs {
namespace {

namespace fs = std::filesystem;

class CgroupTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("rungs_cgroup_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  fs::path root_;
};

TEST_F(CgroupTree, ReadsTheV2LimitOfTheProcesssCgroup) {
  Write("user.slice/job/memory.max", "2147483648\n");
  auto limit = CgroupMemoryLimit(root_.string(), "0::/user.slice/job\n");
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->first, int64_t{2} << 30);
  EXPECT_NE(limit->second.find("user.slice/job/memory.max"), std::string::npos);
}

TEST_F(CgroupTree, MaxMeansNoLimit) {
  Write("job/memory.max", "max\n");
  EXPECT_FALSE(CgroupMemoryLimit(root_.string(), "0::/job\n"));
}

TEST_F(CgroupTree, ReadsTheV1MemoryControllersLimit) {
  Write("memory/docker/abc/memory.limit_in_bytes", "536870912\n");
  auto limit = CgroupMemoryLimit(root_.string(), "12:cpu,cpuacct:/x\n4:memory:/docker/abc\n");
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->first, int64_t{512} << 20);
}

TEST_F(CgroupTree, V1UnlimitedIsNoLimit) {
  Write("memory/memory.limit_in_bytes", "9223372036854771712\n");
  EXPECT_FALSE(CgroupMemoryLimit(root_.string(), "4:memory:/\n"));
}

TEST_F(CgroupTree, AContainersRootLimitCounts) {
  Write("memory.max", "1073741824\n");
  auto limit = CgroupMemoryLimit(root_.string(), "0::/\n");
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->first, int64_t{1} << 30);
}

TEST(AvailableMemory, IsPositiveAndSaysWhereItCameFrom) {
  MemoryLimit limit = AvailableMemory();
  EXPECT_GT(limit.bytes, 0);
  EXPECT_TRUE(limit.source == "machine memory" || limit.source.starts_with("cgroup limit"))
      << limit.source;
}

TEST(ResidentBytes, GrowsWithMemoryTouched) {
  int64_t before = ResidentBytes();
  ASSERT_GT(before, 0);
  std::vector<char> block(64 << 20, 1);
  EXPECT_GE(ResidentBytes(), before + (32 << 20));
  EXPECT_EQ(block[12345], 1);
}

}  // namespace
}  // namespace rungs
