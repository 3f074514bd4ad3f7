// rungs: massively parallel hyperparameter tuning. main() only dispatches to
// subcommands and is the one place that turns an error into an exit code.
#include <csignal>
#include <cstdio>
#include <exception>
#include <vector>

#include "base/redact.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/long_flags.h"

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write fails with EFBIG, which the
  // command reports naming the file, instead of the signal killing us.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"rungs: tune text classifiers with many trials at once"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rungs 0.1.0");

  std::vector<rungs::cli::Command> commands = rungs::cli::AddCommands(app);
  try {
    std::vector<std::string> args = rungs::cli::WithTwoDashLongFlags(argc, argv);
    std::vector<const char*> arg_pointers;
    for (const std::string& arg : args) arg_pointers.push_back(arg.c_str());
    app.parse(argc, arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error exits 2, as is conventional.
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    for (auto& command : commands) {
      if (!command.app->parsed()) continue;
      rungs::Status status = command.run();
      if (!status.ok()) {
        // An error may quote a data URL: its secrets are not shown.
        std::fprintf(stderr, "rungs %s: error: %s\n", command.app->get_name().c_str(),
                     rungs::RedactSecrets(status.message()).c_str());
        return 1;
      }
    }
  } catch (const std::exception& e) {
    // Exceptions are bugs; still leave with a message, never an abort.
    std::fprintf(stderr, "rungs: internal error: %s\n", e.what());
    return 70;
  }
  return 0;
}
