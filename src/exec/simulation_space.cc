#include "exec/simulation_space.h"

namespace rungs::exec {

// lr comes first (the objective's learning-rate dimension) and dim second
// (its cost dimension); see synthetic_objective.h.
const std::string& SimulationSpaceToml() {
  static const std::string kToml = R"(# 11 fastText hyperparameters (doc/space.md)
constraints = ["maxn >= minn"]

[params.lr]
type = "float"
min = 0.01
max = 2.0
scale = "log"

[params.dim]
type = "int"
min = 10
max = 300
scale = "log"

[params.ws]
type = "int"
min = 2
max = 10

[params.wordNgrams]
type = "int"
min = 1
max = 5

[params.loss]
type = "choice"
choices = ["softmax", "ns", "hs", "ova"]

[params.neg]
type = "int"
min = 2
max = 20
when = { param = "loss", op = "==", value = "ns" }

[params.minn]
type = "int"
min = 0
max = 4

[params.maxn]
type = "int"
min = 2
max = 6
when = { param = "minn", op = ">", value = 0 }

[params.bucket]
type = "int"
min = 100000
max = 4000000
scale = "log"

[params.minCount]
type = "int"
min = 1
max = 10

[params.t]
type = "float"
min = 1e-5
max = 1e-3
scale = "log"
)";
  return kToml;
}

std::vector<Dimension> SimulationDimensions() {
  using K = Dimension::Kind;
  return {
      {K::kLog, 0.01, 2.0, 0},           // lr
      {K::kLog, 10, 300, 0},             // dim
      {K::kLinear, 2, 10, 0},            // ws
      {K::kLinear, 1, 5, 0},             // wordNgrams
      {K::kChoice, 0, 0, 4},             // loss
      {K::kLinear, 2, 20, 0},            // neg (only with loss = ns)
      {K::kLinear, 0, 4, 0},             // minn
      {K::kLinear, 2, 6, 0},             // maxn (only with minn > 0)
      {K::kLog, 100000, 4000000, 0},     // bucket
      {K::kLinear, 1, 10, 0},            // minCount
      {K::kLog, 1e-5, 1e-3, 0},          // t
  };
}

}  // namespace rungs::exec
