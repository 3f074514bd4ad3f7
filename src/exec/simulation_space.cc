#include "exec/simulation_space.h"

namespace rungs::exec {

// lr comes first (the objective's learning-rate dimension) and dim second
// (its cost dimension); see synthetic_objective.h.
const std::string& SimulationSpaceToml() {
  static const std::string kToml = R"(# 11 fastText hyperparameters
[lr]
type = "float"
min = 0.01
max = 2.0
scale = "log"

[dim]
type = "int"
min = 10
max = 300
scale = "log"

[ws]
type = "int"
min = 2
max = 10

[word_ngrams]
type = "int"
min = 1
max = 5

[loss]
type = "categorical"
choices = ["softmax", "ns", "hs", "ova"]

[neg]
type = "int"
min = 2
max = 20
when = { loss = "ns" }

[minn]
type = "int"
min = 0
max = 4

[maxn]
type = "int"
min = 0
max = 6

[bucket]
type = "int"
min = 100000
max = 4000000
scale = "log"

[min_count]
type = "int"
min = 1
max = 10

[t]
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
      {K::kLinear, 1, 5, 0},             // word_ngrams
      {K::kChoice, 0, 0, 4},             // loss
      {K::kLinear, 2, 20, 0},            // neg (only with loss = ns)
      {K::kLinear, 0, 4, 0},             // minn
      {K::kLinear, 0, 6, 0},             // maxn
      {K::kLog, 100000, 4000000, 0},     // bucket
      {K::kLinear, 1, 10, 0},            // min_count
      {K::kLog, 1e-5, 1e-3, 0},          // t
  };
}

}  // namespace rungs::exec
