// Scheduler options as JSON, the form the journal keeps them in
// (experiment.options_json), so replay rebuilds the very same scheduler.
//
// OptionsToJson writes every field of sched::Options; OptionsFromJson
// starts from the defaults, takes the fields present, refuses an unknown or
// mistyped key naming it (with `origin`), and runs sched::Validate. Each
// error starts with `origin` and ": ", and its Error::field is the key at
// fault when there is one ("eta", "evolution.sigma.start").
// Pure functions, thread-safe.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "sched/options.h"

namespace rungs::driver {

nlohmann::json OptionsToJson(const sched::Options& options);
Result<sched::Options> OptionsFromJson(const nlohmann::json& json, std::string_view origin);

}  // namespace rungs::driver
