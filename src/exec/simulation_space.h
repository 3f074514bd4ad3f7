// The 11-parameter fastText-like space that simulations tune, with the
// matching SyntheticObjective dimensions (same order as the space's
// parameters, so Config index d is Dimension d). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "exec/synthetic_objective.h"

namespace rungs::exec {

// The space in the TOML format of doc/space.md.
const std::string& SimulationSpaceToml();

// One Dimension per parameter of SimulationSpaceToml(), in order.
std::vector<Dimension> SimulationDimensions();

}  // namespace rungs::exec
