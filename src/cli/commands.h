// Every subcommand of the rungs binary, one cmd_<name>.cc each.
#pragma once

#include <vector>

#include "cli/command.h"

namespace rungs::cli {

// Registers every subcommand on `app`, in the order `rungs --help` lists them.
std::vector<Command> AddCommands(CLI::App& app);

}  // namespace rungs::cli
