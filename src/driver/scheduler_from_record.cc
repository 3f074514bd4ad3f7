#include "driver/scheduler_from_record.h"

#include <nlohmann/json.hpp>

#include "driver/options_json.h"
#include "sched/factory.h"
#include "space/space.h"

namespace rungs::driver {

Result<sched::Options> RecordOptions(const store::ExperimentRecord& record) {
  nlohmann::json json = nlohmann::json::parse(record.options_json, nullptr, false);
  if (json.is_discarded()) return Fail("experiment options_json is not valid JSON");
  return OptionsFromJson(json, "experiment options_json");
}

Result<std::unique_ptr<sched::Scheduler>> MakeSchedulerFromRecord(
    const store::ExperimentRecord& record) {
  Result<space::Space> space = space::Space::FromToml(record.space_toml, "experiment space");
  if (!space.ok()) return space.error();
  Result<sched::Options> options = RecordOptions(record);
  if (!options.ok()) return options.error();
  return sched::MakeScheduler(record.scheduler, *options, *space, record.seed);
}

}  // namespace rungs::driver
