// Test helper: where tests put their files. All of them live in one folder
// of this test process under gtest's TempDir (ctest runs tests in parallel
// processes, so the process id keeps them apart), and that folder is removed
// once the process's tests ran.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace rungs::testing {

// This process's folder, made on first use.
inline const std::filesystem::path& ProcessDir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path made =
        std::filesystem::path(::testing::TempDir()) / ("rungs_" + std::to_string(::getpid()));
    std::filesystem::create_directories(made);
    return made;
  }();
  return dir;
}

// `name` in this process's folder; nothing is created.
inline std::string TestPath(std::string_view name) { return (ProcessDir() / name).string(); }

// A fresh, empty folder for the running test, named for its suite and name
// (and `tag`, for a test that wants several).
inline std::filesystem::path FreshDir(const std::string& tag = "") {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info == nullptr
                         ? std::string("no_test")
                         : std::string(info->test_suite_name()) + "_" + info->name();
  if (!tag.empty()) name += "_" + tag;
  std::replace(name.begin(), name.end(), '/', '_');  // parameterized tests
  std::filesystem::path dir = ProcessDir() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Removes this process's folder when all its tests ran.
class RemoveProcessDir : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(ProcessDir(), ignored);
  }
};
inline ::testing::Environment* const kRemoveProcessDir =
    ::testing::AddGlobalTestEnvironment(new RemoveProcessDir);

}  // namespace rungs::testing
