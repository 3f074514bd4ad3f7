// What `rungs lambda emulate` serves and how: the options of an Emulator,
// each with its default, and their validation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "emulate/faults.h"

namespace rungs::emulate {

struct EmulatorOptions {
  std::string host = "127.0.0.1";  // where the Invoke API listens
  int port = 0;                    // 0: any free port (see Emulator::port)
  int instances = 8;               // function instances, which is also the concurrency limit
  int memory_mb = 2048;            // AWS_LAMBDA_FUNCTION_MEMORY_SIZE and REPORT's Memory Size
  double timeout_seconds = 900;    // the function timeout
  std::string function_name = "rungs";
  std::string region = "us-east-1";
  // The instance program and its arguments (looked up on PATH when argv[0]
  // has no '/'). Required.
  std::vector<std::string> command;
  // Extra function environment variables, "NAME=value".
  std::vector<std::string> environment;
  // LAMBDA_TASK_ROOT and the instances' working directory; empty: the current one.
  std::filesystem::path task_root;
  FaultRates faults;
  uint64_t seed = 1;            // of the faults (request ids are random)
  int retry_after_seconds = 1;  // Retry-After of a 429
  bool quiet = false;           // false: instance logs and notices go to stderr

  // Names the flag of the first option out of range or malformed (the
  // command is checked for being given, not for being executable).
  Status Validate() const;
};

}  // namespace rungs::emulate
