// What `rungs simulate` runs its simulated workers against: the synthetic
// objective over its built-in 11-parameter space (exec/simulation_space.h),
// or a blackbox program (--blackbox, exec/blackbox_objective.h) over the
// space in --space. Not thread-safe; one simulation at a time.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "driver/simulation.h"
#include "exec/blackbox_objective.h"
#include "exec/synthetic_objective.h"
#include "store/journal.h"

namespace rungs::driver {

// The space a new simulation records: the TOML of the file --space names
// (checked to parse), or the synthetic objective's built-in space.
Result<std::string> SimulationSpaceFor(const SimulationOptions& options);

class SimulationObjective {
 public:
  // The blackbox program of options.blackbox, started, over the record's
  // space; else the synthetic objective seeded with the record's seed.
  // Fails naming the flag when the command does not split or the program
  // cannot start.
  static Result<SimulationObjective> Make(const SimulationOptions& options,
                                          const store::ExperimentRecord& record);

  exec::Objective& objective();
  // For the report: which objective, and the synthetic optimum or what the
  // blackbox exchanges cost.
  nlohmann::json Report() const;

 private:
  std::unique_ptr<exec::SyntheticObjective> synthetic_;  // exactly one of the two is set
  std::unique_ptr<exec::BlackboxObjective> blackbox_;
  std::string command_;
};

}  // namespace rungs::driver
