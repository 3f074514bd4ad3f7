#include "emulate/emulator_options.h"

#include <gtest/gtest.h>

#include <functional>

namespace rungs::emulate {
namespace {

EmulatorOptions Valid() {
  EmulatorOptions options;
  options.command = {"rungs", "worker"};
  return options;
}

TEST(EmulatorOptions, TheDefaultsWithACommandAreValid) {
  EXPECT_TRUE(Valid().Validate().ok()) << Valid().Validate().message();
  EXPECT_FALSE(EmulatorOptions().Validate().ok());  // no command
}

TEST(EmulatorOptions, EachBadOptionIsRefusedByItsFlag) {
  const std::pair<const char*, std::function<void(EmulatorOptions&)>> cases[] = {
      {"--instances", [](EmulatorOptions& o) { o.instances = 0; }},
      {"--instances", [](EmulatorOptions& o) { o.instances = 10001; }},
      {"--memory-mb", [](EmulatorOptions& o) { o.memory_mb = 127; }},
      {"--timeout", [](EmulatorOptions& o) { o.timeout_seconds = 901; }},
      {"--timeout", [](EmulatorOptions& o) { o.timeout_seconds = 0; }},
      {"--function", [](EmulatorOptions& o) { o.function_name = "has space"; }},
      {"--region", [](EmulatorOptions& o) { o.region = "Mars"; }},
      {"--port", [](EmulatorOptions& o) { o.port = 70000; }},
      {"Retry-After", [](EmulatorOptions& o) { o.retry_after_seconds = -1; }},
      {"no instance command", [](EmulatorOptions& o) { o.command = {""}; }},
      {"--env", [](EmulatorOptions& o) { o.environment = {"=value"}; }},
      {"--task-root", [](EmulatorOptions& o) { o.task_root = "/no/such/folder"; }},
      {"--fault-timeout", [](EmulatorOptions& o) { o.faults.timeout = 2; }},
  };
  for (const auto& [flag, spoil] : cases) {
    EmulatorOptions options = Valid();
    spoil(options);
    Status status = options.Validate();
    ASSERT_FALSE(status.ok()) << flag;
    EXPECT_NE(status.message().find(flag), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace rungs::emulate
