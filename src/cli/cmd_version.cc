#include <cstdio>

#include "cli/command.h"

namespace rungs::cli {

Command AddVersionCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("version", "print the version of rungs");
  return {sub, [] {
            std::printf("rungs 0.1.0\n");
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
