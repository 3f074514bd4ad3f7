// A small real search space for scheduler tests: two floats (one log-scale),
// an int and a categorical, with no conditions.
#pragma once

#include <string>
#include <vector>

#include "space/space.h"

namespace rungs::sched {

inline space::Space TestSpace() {
  using space::Param;
  std::vector<Param> params = {
      Param::Float("lr", 0.01, 1.0, space::Scale::kLog),
      Param::Float("dropout", 0.0, 0.5),
      Param::Int("dim", 10, 300),
      Param::Choice("loss", {std::string("softmax"), std::string("ns"), std::string("hs")}),
  };
  return std::move(space::Space::Create(std::move(params))).value();
}

}  // namespace rungs::sched
