// Fuzzes the search-space TOML (space/space_toml.cc, and the checks of
// space/space_build.cc) through Space::FromToml, and then what a space that
// parses promises (space/space.h): ToToml reads back as an equal space, and
// sampled, mutated, crossed-over and [[start]] configurations are inside it
// and survive ToJson/FromJson.
#include <cmath>
#include <random>
#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "space/space.h"

namespace {

using rungs::space::Config;
using rungs::space::Space;

bool SameConfig(const Config& a, const Config& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return false;
    if (!std::isnan(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

void CheckInside(const Space& space, const Config& config) {
  FUZZ_CHECK(space.Contains(config));
  rungs::Result<Config> back = space.FromJson(space.ToJson(config));
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(SameConfig(*back, config));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rungs::Result<Space> space = Space::FromToml(rungs::fuzz::AsText(data, size), "fuzz.toml");
  if (!space.ok()) {
    FUZZ_CHECK(space.message().find("fuzz.toml") != std::string::npos);
    return 0;
  }
  rungs::Result<Space> again = Space::FromToml(space->ToToml(), "again.toml");
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *space);

  for (const Config& start : space->starts()) CheckInside(*space, start);
  std::mt19937_64 rng(size);
  Config a = space->Sample(rng);
  CheckInside(*space, a);
  Config b = space->Sample(rng);
  CheckInside(*space, space->Mutate(a, {.params = 2, .sigma = 0.3}, rng));
  CheckInside(*space, space->Crossover(a, b, rng));
  return 0;
}
