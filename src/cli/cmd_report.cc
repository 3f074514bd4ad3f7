// rungs report DIR: rebuilds report.html, trials.csv and best.{json,toml} of
// an experiment from its journal (also while it runs).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "tune/experiment_report.h"

namespace rungs::cli {

Command AddReportCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("report", "rebuild an experiment's report from its journal");
  auto dir = std::make_shared<std::string>();
  sub->add_option("dir", *dir, "the experiment's output folder")->required();
  return {sub, [dir]() -> Status {
            RUNGS_RETURN_IF_ERROR(tune::RebuildReport(*dir));
            std::printf("report: %s/report.html\n", dir->c_str());
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
