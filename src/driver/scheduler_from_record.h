// Builds the scheduler an experiment record describes: its space (TOML),
// options (JSON), method name and seed, through sched::MakeScheduler. The
// factory replay uses (driver/replay.h), so a resumed experiment gets
// exactly the scheduler that wrote its journal. Pure; thread-safe.
#pragma once

#include <memory>

#include "base/status.h"
#include "sched/options.h"
#include "sched/scheduler.h"
#include "store/journal.h"

namespace rungs::driver {

Result<std::unique_ptr<sched::Scheduler>> MakeSchedulerFromRecord(
    const store::ExperimentRecord& record);

// The record's options_json, parsed and validated.
Result<sched::Options> RecordOptions(const store::ExperimentRecord& record);

}  // namespace rungs::driver
