#include <cstdlib>

#include "cli/command.h"
#include "worker/worker_loop.h"

namespace rungs::cli {

Command AddWorkerCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "worker",
      "serve tuning jobs as an AWS Lambda function (custom runtime); the function's bootstrap "
      "runs it");
  // Outside Lambda there is nothing to serve: a usage error (exit 2).
  sub->parse_complete_callback([] {
    if (std::getenv("AWS_LAMBDA_RUNTIME_API") == nullptr) {
      throw CLI::ValidationError(
          "worker",
          "AWS_LAMBDA_RUNTIME_API is not set: `rungs worker` runs inside an AWS Lambda "
          "function (its bootstrap starts it), or under a Lambda emulator such as "
          "`rungs lambda emulate`");
    }
  });
  return {sub, [] { return worker::ServeLambda(std::getenv("AWS_LAMBDA_RUNTIME_API")); }};
}

}  // namespace rungs::cli
