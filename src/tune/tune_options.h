// A TuneSpec read and written through its option table (kTuneOptions,
// tune/tune_spec.h): experiment files, the JSON record, flags, and the option
// reference doc/tune-options.md. Every value is checked the same way
// wherever it comes from, and each problem names the file and key or the
// flag. Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

// Reads an experiment file. Unknown keys and wrong types are errors naming
// the file, the line and the key.
Result<TuneSpec> ReadTuneSpec(const std::string& path);

// The spec as JSON, every option that has a key (experiment.json, from which
// --resume continues), and back. Unknown keys are refused naming `origin`.
nlohmann::json SpecToJson(const TuneSpec& spec);
Result<TuneSpec> SpecFromJson(const nlohmann::json& json, const std::string& origin);

// OK when every integer option with a range of its own (TuneOption::range)
// is inside it; else an error naming the first flag that is not, its range
// and its value. A scheduler option's range is sched::Validate's to check.
Status CheckRanges(const TuneSpec& spec);

// How an option is given on the command line.
enum class FlagKind {
  kNone,    // no flag (a table)
  kValue,   // --flag VALUE; given twice, the last value wins
  kSwitch,  // --flag, no value: switches the default
  kList,    // --flag VALUE, once per item
};
FlagKind FlagKindOf(const TuneOption& option);
std::string FlagName(const TuneOption& option);  // "--train"

// One option given on the command line, with its values as typed (none for
// a switch).
struct GivenFlag {
  const TuneOption* option = nullptr;
  std::vector<std::string> values;
};

// Sets each given option in `spec`, in order. A value is checked as a file's
// is; a bad one is an error naming the flag. `resuming`: options that may
// not change on resume are refused, naming the flag and the value `spec`
// holds, unless given with that value. A new experiment with a
// command and no --metric reports the command's `value` metric
// (doc/command-trainable.md). Local data paths, given or in `spec`, end
// absolute (WithAbsoluteDataPaths).
Status ApplyFlags(const std::vector<GivenFlag>& flags, bool resuming, TuneSpec& spec);

// The option reference (doc/tune-options.md): every row of the table with its
// key, flag, type, default, whether it may change on resume and its help.
std::string OptionsMarkdown();

}  // namespace rungs::tune
