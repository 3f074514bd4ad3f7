// ArgvTemplate: the argument vector of a command, with placeholders that a
// job fills in.
//
// Each argument may hold any number of placeholders in braces, alone or
// inside text (`--lr={lr}`): a parameter of the space by name, `{lr}` or
// `{config.lr}`; the whole configuration as compact JSON, `{config}`; or a
// job field: `{epochs_from}`, `{epochs_to}`, `{lr_scale}`, `{trial}`,
// `{rung}`, `{bracket}`, `{job}`, `{workdir}`, `{seed}`. `{{` and `}}` stand
// for literal braces. Placeholders are checked once, at Compile, so a typo
// fails before any job runs. Expansion happens after the command line was
// split, so a value with spaces stays a single argument.
//
// Immutable once compiled; Expand may be called from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "job/job.h"
#include "space/space.h"

namespace rungs::trial {

// What a job binds beyond its own fields.
struct JobBindings {
  nlohmann::json config;  // Space::ToJson of the job's configuration
  std::string workdir;    // the trial's working folder
  uint64_t seed = 0;      // the trial's seed
};

class ArgvTemplate {
 public:
  // Compiles `argv` against `space`. Fails, naming the argument and the
  // placeholder, on an empty argv, an unknown placeholder, a bare name that is
  // both a parameter and a job field (write {config.<name>}), and an
  // unmatched brace.
  static Result<ArgvTemplate> Compile(const std::vector<std::string>& argv,
                                      const space::Space& space);

  // The arguments for `job`. Numbers are written as the shortest text that
  // reads back to the same value (0.1, 1e-05, 12), choices as their text
  // (without quotes); a parameter that is inactive in this configuration
  // expands to the empty string.
  std::vector<std::string> Expand(const job::Job& job, const JobBindings& bindings) const;

 private:
  enum class Field {
    kLiteral, kParam, kConfig, kEpochsFrom, kEpochsTo, kLrScale,
    kTrial, kRung, kBracket, kJob, kWorkdir, kSeed,
  };
  struct Piece {
    Field field = Field::kLiteral;
    std::string text;  // kLiteral: the text; kParam: the parameter's name
  };
  using Arg = std::vector<Piece>;

  static Result<Arg> CompileArg(const std::string& arg, size_t index, const space::Space& space);
  static Result<Piece> Resolve(const std::string& name, const space::Space& space);
  static std::string Value(const Piece& piece, const job::Job& job, const JobBindings& bindings);

  std::vector<Arg> args_;
};

}  // namespace rungs::trial
