#include "sched/factory.h"

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

// Random search is ASHA over one bracket whose only rung is R.
std::unique_ptr<Scheduler> MakeRandomSearch(Options o, const space::Space& space, uint64_t seed) {
  o.min_epochs = o.max_epochs;
  o.early_stopping_rate = 0;
  o.evolution.enabled = false;
  return std::make_unique<AshaScheduler>(o, 1, space, seed);
}

}  // namespace

Result<std::unique_ptr<Scheduler>> MakeScheduler(std::string_view method, const Options& options,
                                                 const space::Space& space, uint64_t seed) {
  RUNGS_RETURN_IF_ERROR(Validate(options));
  const int brackets = options.brackets > 0 ? options.brackets : 1;
  if (method == "asha-evo" || method == "asha") {
    Options o = options;
    o.evolution.enabled = method == "asha-evo";
    return std::unique_ptr<Scheduler>(std::make_unique<AshaScheduler>(o, brackets, space, seed));
  }
  if (method == "random") return MakeRandomSearch(options, space, seed);
  if (method == "sha") {
    if (options.brackets > 1) {
      return Fail("scheduler option 'brackets' must be 0 or 1 for sha (got " +
                  std::to_string(options.brackets) + "); use hyperband for several");
    }
    return std::unique_ptr<Scheduler>(
        std::make_unique<SyncHalvingScheduler>(options, 1, space, seed));
  }
  if (method == "hyperband") {
    const int count = options.brackets > 0 ? options.brackets : AllBrackets(options);
    return std::unique_ptr<Scheduler>(
        std::make_unique<SyncHalvingScheduler>(options, count, space, seed));
  }
  return Fail("unknown scheduling method '" + std::string(method) +
              "' (expected asha-evo, asha, random, sha or hyperband)");
}

}  // namespace rungs::sched
