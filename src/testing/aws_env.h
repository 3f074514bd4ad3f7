// Test helper: a clean AWS environment for one test. Clears every variable
// the aws part reads, points HOME at a fresh empty folder, and puts all of
// them back when destroyed. Not thread-safe (the environment is global).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "testing/temp_dir.h"

namespace rungs::testing {

class ScopedAwsEnv {
 public:
  ScopedAwsEnv() {
    for (const char* name : kVariables) {
      const char* value = std::getenv(name);
      saved_[name] = value == nullptr ? std::nullopt : std::optional<std::string>(value);
      unsetenv(name);
    }
    home_ = ProcessDir() / ("aws_home_" + std::to_string(next_++));
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_ / ".aws");
    Set("HOME", home_.string());
  }
  ScopedAwsEnv(const ScopedAwsEnv&) = delete;
  ScopedAwsEnv& operator=(const ScopedAwsEnv&) = delete;
  ~ScopedAwsEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1);
      else unsetenv(name.c_str());
    }
    std::error_code ignored;
    std::filesystem::remove_all(home_, ignored);
  }

  void Set(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
  }

  // Writes `text` to `relative` under the fresh HOME; returns its path.
  std::string Write(const std::string& relative, const std::string& text) const {
    std::filesystem::path path = home_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  const std::filesystem::path& home() const { return home_; }

 private:
  static constexpr const char* kVariables[] = {
      "HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
      "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_LAMBDA", "XDG_CACHE_HOME"};
  static inline int next_ = 0;
  std::map<std::string, std::optional<std::string>> saved_;
  std::filesystem::path home_;
};

}  // namespace rungs::testing
