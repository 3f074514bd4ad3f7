// Test helper: writes a file with the given bytes under the test's temporary
// directory and returns its path. For tests only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>

namespace rungs::text {

inline std::string WriteTestFile(std::string_view name, std::string_view bytes) {
  // The process id keeps tests that ctest runs in parallel apart.
  std::string path = ::testing::TempDir() + "rungs_text_" + std::to_string(::getpid()) + "_" +
                     std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace rungs::text
