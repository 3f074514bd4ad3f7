// A subcommand of the rungs binary: its CLI11 parser and the function that
// does its work once the flags are parsed. Each cmd_<name>.cc fills a typed
// options struct through CLI11 and calls the library; no logic lives here.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

#include "base/status.h"

namespace rungs::cli {

struct Command {
  CLI::App* app;
  std::function<Status()> run;
};

}  // namespace rungs::cli
