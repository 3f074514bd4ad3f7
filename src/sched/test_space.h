// A small real search space for scheduler tests: floats (one log-scale),
// ints, a categorical, a parameter active only for one loss, and a
// constraint between two parameters.
#pragma once

#include <string>
#include <utility>
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
      Param::Int("neg", 1, 20).When("loss", space::Op::kEq, {std::string("ns")}),
      Param::Int("minn", 0, 4),
      Param::Int("maxn", 0, 6),
  };
  std::vector<space::Constraint> constraints = {{"maxn", space::Op::kGe, "minn"}};
  return std::move(space::Space::Create(std::move(params), std::move(constraints))).value();
}

}  // namespace rungs::sched
