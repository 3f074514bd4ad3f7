#include "cli/commands.h"

namespace rungs::cli {

// Add a line here for each new subcommand (declared just below).
Command AddVersionCommand(CLI::App& app);

std::vector<Command> AddCommands(CLI::App& app) {
  return {
      AddVersionCommand(app),
  };
}

}  // namespace rungs::cli
