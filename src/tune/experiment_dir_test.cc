#include "tune/experiment_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;

// A kill -9 while best.bin was written left best.bin.tmp.PID, as large as
// the model (700 MB on 20 Newsgroups), and no later run removed it.
TEST(ExperimentLock, TakingAFolderRemovesTheTemporariesOfDeadWriters) {
  const fs::path dir = testing::FreshDir();
  const std::string stale = testing::WriteFile(dir / "best.bin.tmp.2147483647", "half a model");
  const std::string live =
      testing::WriteFile(dir / ("report.html.tmp." + std::to_string(::getpid())), "being written");
  const std::string other = testing::WriteFile(dir / "notes.tmp.txt", "not a temporary of ours");
  const std::string users = testing::WriteFile(dir / "notes.txt.tmp.2147483647", "the user's");
  Result<ExperimentLock> lock = ExperimentLock::Take(dir.string());
  ASSERT_TRUE(lock.ok()) << lock.message();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live)) << "its writer is alive";
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(users)) << "not a file a run writes";
}

}  // namespace
}  // namespace rungs::tune
