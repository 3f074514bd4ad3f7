// MakeScheduler: builds a scheduler by method name.
//
//   asha-tpe   ASHA whose new configurations may come from a density model
//              of the good results (Tpe, as in BOHB); the default
//   asha-evo   ASHA whose new configurations may be bred
//   asha       ASHA with random new configurations (EnableEvolution turns
//              evolution on later)
//   random     random search: every trial trains straight to R
//   sha        synchronous successive halving, one bracket
//   hyperband  synchronous Hyperband over several brackets
//
// Options are validated first; errors name the field. options.brackets = 0
// means one bracket for asha/asha-evo/sha, two for asha-tpe (one with
// pasha.enabled) and every bracket the range allows (from
// early_stopping_rate on) for hyperband; random ignores brackets and
// early_stopping_rate, and sha refuses brackets > 1. pasha.enabled needs an
// ASHA method with one bracket.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/status.h"
#include "sched/options.h"
#include "sched/scheduler.h"
#include "space/space.h"

namespace rungs::sched {

enum class Method { kAshaEvo, kAshaTpe, kAsha, kRandom, kSha, kHyperband };
inline constexpr Method kMethods[] = {Method::kAshaEvo, Method::kAshaTpe, Method::kAsha,
                                      Method::kRandom,  Method::kSha,     Method::kHyperband};

// The default: it led 6 of the 12 cells of the LCBench anytime table, asha-evo
// none (bench/RESULTS.md).
inline constexpr std::string_view kDefaultMethod = "asha-tpe";

// "asha-evo", "asha-tpe", "asha", "random", "sha", "hyperband".
std::string_view MethodName(Method method);
// The method MethodName gives `name`; fails naming it and the methods otherwise.
Result<Method> ParseMethod(std::string_view name);

// `method` is a name, as the journal keeps it (ParseMethod).
Result<std::unique_ptr<Scheduler>> MakeScheduler(std::string_view method, const Options& options,
                                                 const space::Space& space, uint64_t seed);

}  // namespace rungs::sched
