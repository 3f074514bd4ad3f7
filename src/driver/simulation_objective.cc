#include "driver/simulation_objective.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "base/text_file.h"
#include "exec/simulation_space.h"
#include "space/space.h"
#include "trial/command_line.h"

namespace rungs::driver {

Result<std::string> SimulationSpaceFor(const SimulationOptions& o) {
  if (o.space.empty()) return exec::SimulationSpaceToml();
  Result<std::string> text = ReadTextFile(o.space);
  if (!text.ok()) return Fail("simulate: --space: " + text.message());
  Result<space::Space> space = space::Space::FromToml(*text, o.space);
  if (!space.ok()) return space.error();
  return text;
}

Result<SimulationObjective> SimulationObjective::Make(const SimulationOptions& o,
                                                     const store::ExperimentRecord& record) {
  SimulationObjective made;
  if (o.blackbox.empty()) {
    exec::ObjectiveOptions options;
    options.seed = record.seed;
    options.failure_rate = o.failure_rate;
    options.noise = o.noise;
    made.synthetic_ =
        std::make_unique<exec::SyntheticObjective>(exec::SimulationDimensions(), options);
    return made;
  }
  Result<std::vector<std::string>> argv = trial::SplitCommandLine(o.blackbox);
  if (!argv.ok()) return Fail("simulate: --blackbox: " + argv.message());
  Result<space::Space> space = space::Space::FromToml(record.space_toml, "experiment space");
  if (!space.ok()) return space.error();
  exec::BlackboxOptions options;
  options.argv = std::move(*argv);
  // Kept only when the program broke the protocol; errors quote its end.
  options.stderr_path = std::filesystem::temp_directory_path() /
                        ("rungs-blackbox-" + std::to_string(::getpid()) + ".stderr");
  options.timeout = std::chrono::milliseconds(std::llround(o.blackbox_timeout * 1000));
  auto blackbox = exec::BlackboxObjective::Start(std::move(*space), std::move(options));
  if (!blackbox.ok()) return Fail("simulate: --blackbox: " + blackbox.message());
  made.blackbox_ = std::move(*blackbox);
  made.command_ = o.blackbox;
  return made;
}

exec::Objective& SimulationObjective::objective() {
  if (blackbox_) return *blackbox_;
  return *synthetic_;
}

nlohmann::json SimulationObjective::Report() const {
  if (synthetic_) return {{"kind", "synthetic"}, {"optimum", synthetic_->options().peak}};
  const exec::BlackboxStats& stats = blackbox_->stats();
  return {{"kind", "blackbox"},
          {"command", command_},
          {"requests", stats.requests},
          {"exchanges", stats.exchanges},
          {"seconds", stats.seconds}};
}

}  // namespace rungs::driver
