#include "sched/factory.h"

#include <algorithm>
#include <string>

#include "sched/asha.h"
#include "sched/sync_halving.h"

namespace rungs::sched {
namespace {

// Brackets from early_stopping_rate up to the one that is the single rung R.
int AllBrackets(const Options& o) {
  int count = 1;
  for (int64_t epochs = o.min_epochs; epochs < o.max_epochs; epochs *= o.eta) ++count;
  return count - o.early_stopping_rate;
}

// asha-tpe hedges against low rungs that rank badly with a second bracket
// that starts one rung up (bench/RESULTS.md, LCBench); PASHA is defined on
// one bracket, and the other methods (but hyperband, which has its own) use one.
int OwnBrackets(Method method, const Options& o) {
  return method == Method::kAshaTpe && !o.pasha.enabled ? std::min(2, AllBrackets(o)) : 1;
}

// Random search is ASHA over one bracket whose only rung is R.
std::unique_ptr<Scheduler> MakeRandomSearch(Options o, const space::Space& space, uint64_t seed) {
  o.min_epochs = o.max_epochs;
  o.early_stopping_rate = 0;
  o.evolution.enabled = false;
  return std::make_unique<AshaScheduler>(o, 1, space, seed);
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kAshaEvo: return "asha-evo";
    case Method::kAshaTpe: return "asha-tpe";
    case Method::kAsha: return "asha";
    case Method::kRandom: return "random";
    case Method::kSha: return "sha";
    case Method::kHyperband: return "hyperband";
  }
  return kDefaultMethod;
}

Result<Method> ParseMethod(std::string_view name) {
  for (Method method : kMethods) {
    if (MethodName(method) == name) return method;
  }
  return Fail("unknown scheduling method '" + std::string(name) +
              "' (expected asha-evo, asha-tpe, asha, random, sha or hyperband)");
}

Result<std::unique_ptr<Scheduler>> MakeScheduler(std::string_view name, const Options& options,
                                                 const space::Space& space, uint64_t seed) {
  RUNGS_RETURN_IF_ERROR(Validate(options));
  Result<Method> method = ParseMethod(name);
  if (!method.ok()) return method.error();
  const int brackets = options.brackets > 0 ? options.brackets : OwnBrackets(*method, options);
  const bool asha =
      *method == Method::kAshaEvo || *method == Method::kAshaTpe || *method == Method::kAsha;
  if (options.pasha.enabled && !asha) {
    return Fail("scheduler option 'pasha.enabled' applies to asha, asha-evo and asha-tpe, not " +
                std::string(name));
  }
  switch (*method) {
    case Method::kAshaEvo:
    case Method::kAshaTpe:
    case Method::kAsha: {
      if (options.pasha.enabled && brackets > 1) {
        return Fail("scheduler option 'pasha.enabled' needs one bracket (got brackets = " +
                    std::to_string(brackets) + ")");
      }
      Options o = options;
      o.evolution.enabled = *method == Method::kAshaEvo;
      o.model.enabled = *method == Method::kAshaTpe;
      return std::unique_ptr<Scheduler>(std::make_unique<AshaScheduler>(o, brackets, space, seed));
    }
    case Method::kRandom:
      return MakeRandomSearch(options, space, seed);
    case Method::kSha:
      if (options.brackets > 1) {
        return Fail("scheduler option 'brackets' must be 0 or 1 for sha (got " +
                    std::to_string(options.brackets) + "); use hyperband for several");
      }
      return std::unique_ptr<Scheduler>(
          std::make_unique<SyncHalvingScheduler>(options, 1, space, seed));
    case Method::kHyperband: {
      const int count = options.brackets > 0 ? options.brackets : AllBrackets(options);
      return std::unique_ptr<Scheduler>(
          std::make_unique<SyncHalvingScheduler>(options, count, space, seed));
    }
  }
  return Fail("unknown scheduling method");
}

}  // namespace rungs::sched
