#include "emulate/emulator_options.h"

#include <regex>
#include <system_error>

namespace rungs::emulate {

Status EmulatorOptions::Validate() const {
  static const std::regex kName("[A-Za-z0-9_-]{1,64}");
  static const std::regex kRegion("[a-z]{2}(-[a-z]+)+-[0-9]+");
  if (instances < 1 || instances > 10000) {
    return Fail("--instances must be in [1, 10000] (got " + std::to_string(instances) + ")");
  }
  if (memory_mb < 128 || memory_mb > 10240) {
    return Fail("--memory-mb must be in [128, 10240], as on Lambda (got " +
                std::to_string(memory_mb) + ")");
  }
  if (!(timeout_seconds > 0 && timeout_seconds <= 900)) {
    return Fail("--timeout must be in (0, 900] seconds, as on Lambda (got " +
                std::to_string(timeout_seconds) + ")");
  }
  if (!std::regex_match(function_name, kName)) {
    return Fail("--function must be 1 to 64 letters, digits, '-' or '_' (got '" +
                function_name + "')");
  }
  if (!std::regex_match(region, kRegion)) {
    return Fail("--region must look like us-east-1 (got '" + region + "')");
  }
  if (port < 0 || port > 65535) {
    return Fail("--port must be in [0, 65535] (got " + std::to_string(port) + ")");
  }
  if (retry_after_seconds < 0) return Fail("Retry-After must be >= 0 seconds");
  if (command.empty() || command[0].empty()) return Fail("no instance command");
  for (const std::string& variable : environment) {
    size_t equals = variable.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Fail("--env takes NAME=value (got '" + variable + "')");
    }
  }
  std::error_code error;
  if (!task_root.empty() && !std::filesystem::is_directory(task_root, error)) {
    return Fail("--task-root " + task_root.string() + " is not a directory");
  }
  return faults.Validate();
}

}  // namespace rungs::emulate
