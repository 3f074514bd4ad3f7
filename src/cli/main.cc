// rungs: massively parallel hyperparameter tuning. main() only dispatches to
// subcommands and is the one place that turns an error into an exit code.
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "base/redact.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/long_flags.h"

namespace {

// "rungs train": the command line up to the subcommand being parsed.
std::string CommandName(const CLI::App& app) {
  std::string name = "rungs";
  for (const CLI::App* sub : app.get_subcommands()) name += " " + sub->get_name();
  return name;
}

// `flag` ("--dim") as the user typed it: fastText's "-dim" is parsed as
// "--dim" (cli/long_flags.h), and an error should quote what was written.
std::string AsTyped(const std::string& flag, int argc, char** argv) {
  if (flag.rfind("--", 0) != 0) return flag;
  const std::string one_dash = flag.substr(1);
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == one_dash) return one_dash;
  }
  return flag;
}

// CLI11's message, with a value that does not convert named with the type
// its flag takes ("Could not convert: --dim = 99999999999" said neither why
// nor what would do).
std::string UsageMessage(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string message = e.what();
  const std::string prefix = "Could not convert: ";
  const size_t equals = message.find(" = ");
  if (message.rfind(prefix, 0) != 0 || equals == std::string::npos) return message;
  const std::string flag = message.substr(prefix.size(), equals - prefix.size());
  const std::string value = message.substr(equals + 3);
  const CLI::App* command = app.get_subcommands().empty() ? &app : app.get_subcommands().back();
  const CLI::Option* option = command->get_option_no_throw(flag);
  const std::string type = option != nullptr ? option->get_type_name() : "";
  return AsTyped(flag, argc, argv) + ": '" + value + "' is not a valid value" +
         (type.empty() ? "" : ": it takes " + type);
}

}  // namespace

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
    if (e.get_exit_code() == 0) return app.exit(e);
    const std::string command = CommandName(app);
    std::fprintf(stderr, "%s: error: %s\nRun '%s --help' for more information.\n", command.c_str(),
                 rungs::RedactSecrets(UsageMessage(app, e, argc, argv)).c_str(), command.c_str());
    return 2;
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
