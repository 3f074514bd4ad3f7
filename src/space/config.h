// Config: one point of a search space, as the scheduler stores it.
//
// A flat vector of doubles indexed like Space::params(): a float holds its
// value, an int its (integral) value, a categorical the index of its choice,
// a fixed parameter its value (or choice index 0). A parameter whose condition
// does not hold is inactive and holds NaN. Keeping it flat and numeric keeps a
// million trials cheap; Space converts to and from JSON for everything else.
#pragma once

#include <vector>

namespace rungs::space {

using Config = std::vector<double>;

}  // namespace rungs::space
