// rungs lambda: the AWS Lambda side of rungs. `rungs lambda emulate` serves
// a local Lambda (the Invoke API, and the Runtime API to real instance
// processes) until SIGINT or SIGTERM. Each subcommand of the group is one
// Add...Subcommand here, listed in AddLambdaCommand.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "emulate/emulator.h"

namespace rungs::cli {

Command AddLambdaPackageSubcommand(CLI::App& lambda);  // cmd_lambda_package.cc

namespace {

Command AddEmulateSubcommand(CLI::App& lambda) {
  CLI::App* sub = lambda.add_subcommand(
      "emulate",
      "serve a local AWS Lambda: the Invoke API, with N instances of a custom runtime "
      "(default: rungs worker) behind it");
  auto o = std::make_shared<emulate::EmulatorOptions>();
  const char* region = std::getenv("AWS_REGION");
  if (region != nullptr && *region != '\0') o->region = region;
  sub->add_option("--port", o->port, "port of the Invoke API (0: any free port)")
      ->capture_default_str();
  sub->add_option("--host", o->host, "address the Invoke API listens on")->capture_default_str();
  sub->add_option("--instances", o->instances,
                  "function instances, which is also the concurrency limit")
      ->capture_default_str();
  sub->add_option("--memory-mb", o->memory_mb, "the function's memory size (reported)")
      ->capture_default_str();
  sub->add_option("--timeout", o->timeout_seconds, "the function timeout in seconds")
      ->capture_default_str();
  sub->add_option("--function", o->function_name, "the function's name")->capture_default_str();
  sub->add_option("--region", o->region, "the region (default: AWS_REGION, else us-east-1)")
      ->capture_default_str();
  sub->add_option("--env", o->environment, "a function environment variable, NAME=value")
      ->take_all();
  sub->add_option("--task-root", o->task_root,
                  "LAMBDA_TASK_ROOT and the instances' working directory (default: here)");
  sub->add_option("--seed", o->seed, "seed of the injected faults")->capture_default_str();
  sub->add_option("--retry-after", o->retry_after_seconds, "Retry-After of a 429, in seconds")
      ->capture_default_str();
  sub->add_option("--fault-429", o->faults.throttle,
                  "fraction of invocations answered 429 TooManyRequestsException");
  sub->add_option("--fault-500", o->faults.server_error,
                  "fraction answered 500 ServiceException");
  sub->add_option("--fault-function-error", o->faults.function_error,
                  "fraction answered with a function error (the function does not run)");
  sub->add_option("--fault-timeout", o->faults.timeout,
                  "fraction whose instance is killed soon after it starts, answered as a timeout");
  sub->add_option("--fault-drop", o->faults.drop,
                  "fraction whose connection is closed unanswered after the function ran");
  sub->add_flag("--quiet", o->quiet, "no instance logs or notices on stderr");
  sub->add_option("command", o->command,
                  "after --: the instance program and its arguments (default: rungs worker)");
  return {sub, [o] {
            if (o->command.empty()) o->command = emulate::DefaultWorkerCommand();
            // Every thread the emulator starts inherits this mask, so the
            // signals wait here; instances are started with none blocked.
            sigset_t stop_signals;
            sigemptyset(&stop_signals);
            sigaddset(&stop_signals, SIGINT);
            sigaddset(&stop_signals, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
            signal(SIGPIPE, SIG_IGN);

            Result<std::unique_ptr<emulate::Emulator>> emulator = emulate::Emulator::Start(*o);
            if (!emulator.ok()) return emulator.status();
            std::printf("rungs lambda emulate: Invoke API at %s (function %s, %d instance%s)\n",
                        (*emulator)->url().c_str(), o->function_name.c_str(), o->instances,
                        o->instances == 1 ? "" : "s");
            std::fflush(stdout);
            int signal_number = 0;
            sigwait(&stop_signals, &signal_number);
            (*emulator)->Stop();
            emulate::EmulatorStats stats = (*emulator)->stats();
            long long faults = 0;
            std::string by_kind;
            for (size_t kind = 1; kind < stats.faults.size(); ++kind) {
              faults += stats.faults[kind];
              by_kind += std::string(by_kind.empty() ? "" : ", ") +
                         emulate::FaultName(static_cast<emulate::Fault>(kind)) + " " +
                         std::to_string(stats.faults[kind]);
            }
            std::fprintf(stderr,
                         "rungs lambda emulate: stopped by %s after %lld invocations (%lld "
                         "answered by instances, %lld throttled at the limit, %lld timeouts, "
                         "%lld crashes, %lld instance starts, %lld faults injected: %s)\n",
                         signal_number == SIGINT ? "SIGINT" : "SIGTERM",
                         static_cast<long long>(stats.invocations),
                         static_cast<long long>(stats.answered),
                         static_cast<long long>(stats.throttled),
                         static_cast<long long>(stats.timeouts),
                         static_cast<long long>(stats.crashes),
                         static_cast<long long>(stats.starts), faults, by_kind.c_str());
            return Status::Ok();
          }};
}

}  // namespace

Command AddLambdaCommand(CLI::App& app) {
  CLI::App* lambda = app.add_subcommand("lambda", "run rungs on AWS Lambda, or a local one");
  lambda->require_subcommand(1);
  std::vector<Command> subcommands = {AddEmulateSubcommand(*lambda),
                                      AddLambdaPackageSubcommand(*lambda)};
  return {lambda, [subcommands] {
            for (const Command& subcommand : subcommands) {
              if (subcommand.app->parsed()) return subcommand.run();
            }
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
