// Test helper: the search spaces tests share. The product's own spaces live
// with their users (the classifier's default in trial/classifier_space.cc,
// the simulation's in exec/simulation_space.cc); these are for tests only.
#pragma once

#include <cmath>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "space/space.h"

namespace rungs::testing {

// The fastText-style space of doc/space.md, plus a few more parameters.
inline constexpr char kFastTextSpaceToml[] = R"(
constraints = ["maxn >= minn"]

[params.lr]
type = "float"
min = 0.01
max = 2.0
scale = "log"

[params.dim]
type = "int"
min = 16
max = 300
scale = "log"

[params.wordNgrams]
type = "int"
min = 1
max = 3

[params.loss]
type = "choice"
choices = ["softmax", "ns", "hs", "ova"]

[params.neg]
type = "int"
min = 2
max = 25
when = { param = "loss", op = "==", value = "ns" }

[params.minn]
type = "int"
min = 0
max = 6

[params.maxn]
type = "int"
min = 2
max = 6
when = { param = "minn", op = ">", value = 0 }

[params.bucket]
type = "choice"
choices = [500000, 1000000, 2000000]

[params.t]
type = "float"
min = 1e-5
max = 1e-3
scale = "log"

[params.ws]
type = "int"
min = 3
max = 7

[params.lrUpdateRate]
type = "fixed"
value = 100
)";

// Three parameters that train in moments: for end-to-end runs of the binary.
inline constexpr char kTinySpaceToml[] = R"(
[params.lr]
type = "float"
min = 0.05
max = 1.0
scale = "log"
[params.dim]
type = "int"
min = 4
max = 24
[params.loss]
type = "choice"
choices = ["softmax", "ova"]
)";

// `toml` parsed; fails the test when it does not parse.
inline space::Space MustParse(const std::string& toml) {
  Result<space::Space> space = space::Space::FromToml(toml, "test.toml");
  EXPECT_TRUE(space.ok()) << space.message();
  return std::move(space).value();
}

// kFastTextSpaceToml as a Space: floats (log-scale too), ints, choices,
// parameters active only under a condition, and a constraint.
inline space::Space FastTextSpace() { return MustParse(kFastTextSpaceToml); }

// Equal configurations, NaN (inactive) matching NaN.
inline bool SameConfig(const space::Config& a, const space::Config& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return false;
    if (!std::isnan(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace rungs::testing
