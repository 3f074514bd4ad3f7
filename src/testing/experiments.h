// Test helper: experiments for the driver's tests: the toy objective and
// record (for ToyScheduler), and a record for a real scheduler on the
// simulation space.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/options_json.h"
#include "exec/simulation_space.h"
#include "exec/synthetic_objective.h"
#include "sched/options.h"
#include "store/journal.h"

namespace rungs::testing {

// Two unit dimensions, matching ToyScheduler's configurations.
inline exec::SyntheticObjective ToyObjective(uint64_t seed = 7) {
  exec::ObjectiveOptions options;
  options.seed = seed;
  std::vector<exec::Dimension> dims = {{exec::Dimension::Kind::kLinear, 0, 1, 0},
                                       {exec::Dimension::Kind::kLinear, 0, 1, 0}};
  return exec::SyntheticObjective(std::move(dims), options);
}

inline store::ExperimentRecord ToyExperiment(uint64_t seed) {
  store::ExperimentRecord e;
  e.id = "toy";
  e.name = "toy";
  e.space_toml = "# two unit parameters";
  e.scheduler = "toy";
  e.options_json = "{}";
  e.seed = seed;
  return e;
}

// An experiment for a real scheduler (sched::MakeScheduler's `method`) on
// the simulation space: rungs up to 9 epochs, at most `max_trials` trials.
inline store::ExperimentRecord SimulationExperiment(const std::string& method, int64_t max_trials,
                                                    uint64_t seed) {
  sched::Options options;
  options.max_epochs = 9;
  options.max_trials = max_trials;
  store::ExperimentRecord r;
  r.id = "sim-" + method;
  r.name = r.id;
  r.space_toml = exec::SimulationSpaceToml();
  r.scheduler = method;
  r.options_json = driver::OptionsToJson(options).dump();
  r.seed = seed;
  return r;
}

}  // namespace rungs::testing
