// The classifier's hard limits as a search space, so a worker can check a
// configuration that arrives by parameter name without knowing the space
// the driver searched.
//
// A driver may search any range inside these limits (its own space file),
// so a worker must not hold a job to the default space's ranges; it only
// refuses what the classifier itself cannot train (TrainArgs::Validate's
// ranges, known loss names, booleans for switches).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "space/space.h"

namespace rungs::worker {

struct CheckedConfig {
  space::Space space;    // exactly the parameters `config` names, at their hard limits
  space::Config config;  // `config` in that space
};

// Fails naming the parameter when `config` (parameter name -> value) holds an
// unknown parameter, a value of the wrong type or one outside the limits.
Result<CheckedConfig> CheckConfig(const nlohmann::json& config);

}  // namespace rungs::worker
