// TuneSpec: everything one `rungs tune` experiment is told, and kTuneOptions,
// the one table of its options. Each row binds one member to its key in an
// experiment file (TOML) and in the experiment's JSON record
// (experiment.json), to its flag (the key with a leading "--"), and gives its
// help and whether it may change on --resume. The table is the only place
// options are listed: the file reader, the record, the flags and the option
// reference doc/tune-options.md (generated: `rungs tune --options-markdown`)
// all come from it (tune/tune_options.h). Adding an option is a member here
// and a row here, then regenerating the doc.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "driver/run_budget.h"
#include "exec/lambda_cost.h"
#include "sched/factory.h"
#include "sched/options.h"
#include "text/reader.h"

namespace rungs::tune {

// Where jobs run: threads of this process, or one AWS Lambda invocation per
// job (running `rungs worker`).
enum class Executor { kLocal, kLambda };
inline constexpr Executor kExecutors[] = {Executor::kLocal, Executor::kLambda};
std::string_view ExecutorName(Executor executor);  // "local", "lambda"

// Defaults are the members' initializers; 0 for a budget or a limit means none.
struct TuneSpec {
  std::string train;
  std::string valid;
  double valid_fraction = 0.1;
  std::string test;
  std::string dataset;
  std::string data_dir;
  text::ReadOptions read;

  std::string metric = "accuracy";
  std::string command;
  bool minimize = false;
  std::string space_file;
  sched::Method scheduler = sched::Method::kAshaTpe;  // sched::kDefaultMethod
  nlohmann::json scheduler_options = nlohmann::json::object();
  std::optional<job::Promotion> promotion;  // none: the executor's default

  int64_t budget_epochs = 0;
  double budget_seconds = 0;
  int64_t max_trials = 0;
  double budget_dollars = 0;

  Executor executor = Executor::kLocal;
  int workers = 0;
  int threads = 1;
  uint64_t seed = 0;
  std::string out;
  bool refit = true;  // the best configuration retrained on train + validation
  int cross_check = 3;  // folds to choose among the best trials by; 0: off
  int64_t checkpoint_memory_mb = 512;
  std::string memory;  // a size (base/byte_size.h); empty: half of what the machine or cgroup allows
  bool keep_checkpoints = false;
  std::string max_model_size;  // a size; empty: none
  bool quantize = false;

  std::string function;
  std::string qualifier;
  std::string region;
  std::string endpoint_url;
  int concurrency = 100;
  double function_timeout = 900;
  int memory_mb = 0;
  double price_per_gb_second = exec::kDefaultPricePerGbSecond;
};

// Whether an option may differ when an experiment is resumed: how it runs
// may change; what it searches is fixed by its journal.
enum class OnResume { kFixed, kMayChange };

// A flag with no key of its own: it sets one scheduler option, which an
// experiment file gives in its [scheduler-options] table.
struct SchedulerOptionFlag {
  std::string_view name;
};

// The member an option sets, which also gives its type.
using OptionField = std::variant<
    std::string TuneSpec::*, double TuneSpec::*, int TuneSpec::*, int64_t TuneSpec::*,
    uint64_t TuneSpec::*, bool TuneSpec::*, nlohmann::json TuneSpec::*, Executor TuneSpec::*,
    sched::Method TuneSpec::*, std::optional<job::Promotion> TuneSpec::*,
    std::string text::ReadOptions::*, bool text::ReadOptions::*,
    std::vector<std::string> text::ReadOptions::*, text::Format text::ReadOptions::*,
    SchedulerOptionFlag>;

// The values an integer option may take, both ends included, when fewer
// than its type holds.
struct IntRange {
  int64_t min = 0;
  int64_t max = 0;
};

// One option. A true/false option's flag takes no value and switches its
// default (--no-refit, --no-header); a list's flag may be given once per item;
// a table (scheduler-options) has no flag.
struct TuneOption {
  std::string_view key;
  OptionField field;
  std::string_view help;
  OnResume on_resume = OnResume::kFixed;
  std::string_view flag = {};  // when not "--" + key
  // An integer option's own bounds: a value outside them is refused naming
  // them (tune::Validate; sched::Validate for a scheduler option).
  std::optional<IntRange> range = {};
};

inline constexpr TuneOption kTuneOptions[] = {
    // Data: a path, an http(s):// URL or an s3:// URI.
    {"train", &TuneSpec::train, "training data: path or URL (fastText lines, CSV, JSON lines)"},
    {"valid", &TuneSpec::valid, "validation data (default: split off --train)"},
    {"valid-fraction", &TuneSpec::valid_fraction,
     "share of --train held out for validation when there is no --valid"},
    {"test", &TuneSpec::test, "test data, used once at the end"},
    {"dataset", &TuneSpec::dataset, "a named data set instead of --train: 20newsgroups"},
    {"data-dir", &TuneSpec::data_dir, "where named data sets are looked for first (NAME/train.csv)"},
    {"format", &text::ReadOptions::format, "how data files are read (auto: by their extension)"},
    {"label", &text::ReadOptions::label_prefix, "label prefix of fastText lines"},
    {"label-column", &text::ReadOptions::csv_label_column, "CSV label column, by name or index"},
    {"text-columns", &text::ReadOptions::csv_text_columns, "CSV text column(s), by name or index",
     OnResume::kFixed, "--text-column"},
    {"header", &text::ReadOptions::csv_has_header,
     "CSV files start with a header row (--no-header: they do not)", OnResume::kFixed,
     "--no-header"},
    {"label-field", &text::ReadOptions::json_label_field, "JSON lines: the label's field"},
    {"text-field", &text::ReadOptions::json_text_field, "JSON lines: the text's field"},
    // What is tuned, and how.
    {"metric", &TuneSpec::metric,
     "accuracy (P@1), f1 (macro) or loss; with --command, its metric key (there: value)"},
    {"command", &TuneSpec::command, "tune this training program instead (doc/command-trainable.md)"},
    {"minimize", &TuneSpec::minimize, "with --command: lower metric is better"},
    {"space", &TuneSpec::space_file, "search space TOML (default: the built-in classifier space)"},
    {"scheduler", &TuneSpec::scheduler, "how trials are chosen and promoted (doc/scheduler.md)"},
    {"scheduler-options", &TuneSpec::scheduler_options,
     "scheduler options by name, e.g. the evolution schedules (doc/scheduler.md)"},
    {"min-epochs", SchedulerOptionFlag{"min_epochs"},
     "epochs of the bottom rung (3 for the built-in classifier)", OnResume::kFixed, {},
     IntRange{sched::kMinEpochs, std::numeric_limits<int>::max()}},
    {"max-epochs", SchedulerOptionFlag{"max_epochs"}, "epochs of the top rung", OnResume::kFixed,
     {}, IntRange{sched::kMinEpochs, std::numeric_limits<int>::max()}},
    {"eta", SchedulerOptionFlag{"eta"}, "reduction factor between rungs", OnResume::kFixed, {},
     IntRange{sched::kMinEta, std::numeric_limits<int>::max()}},
    {"promotion", &TuneSpec::promotion,
     "promoted trials resume from checkpoints (the local default) or restart (always on Lambda)"},
    // Budget: at least one of epochs, seconds and trials. On --resume, a
    // budget given is the experiment's new total from then on.
    {"budget-epochs", &TuneSpec::budget_epochs, "total epochs to train", OnResume::kMayChange},
    {"budget-seconds", &TuneSpec::budget_seconds,
     "no job starts after this many seconds, and running ones are stopped", OnResume::kMayChange},
    {"max-trials", &TuneSpec::max_trials, "configurations to try at most", OnResume::kMayChange},
    {"budget-dollars", &TuneSpec::budget_dollars, "lambda: no job starts once this much is spent",
     OnResume::kMayChange},
    // Where and how it runs.
    {"executor", &TuneSpec::executor, "where jobs run: local threads or AWS Lambda"},
    {"workers", &TuneSpec::workers, "local: trials at once (0: one per core)", OnResume::kMayChange,
     {}, IntRange{0, 4096}},
    {"threads", &TuneSpec::threads, "training threads per trial", OnResume::kMayChange, {},
     IntRange{1, 256}},
    {"seed", &TuneSpec::seed, "seed of the split, the search and the training"},
    {"out", &TuneSpec::out, "output folder"},
    {"refit", &TuneSpec::refit,
     "retrain the best configuration on train + validation for best.bin (--no-refit: hand "
     "back the searched model)",
     OnResume::kMayChange, "--no-refit"},
    {"cross-check", &TuneSpec::cross_check,
     "with fewer than 10,000 validation rows, choose among the best 3 trials by this many "
     "folds of train + validation when time allows (0: the search's best)",
     OnResume::kMayChange},
    {"checkpoint-memory-mb", &TuneSpec::checkpoint_memory_mb,
     "memory for paused trials' checkpoints, at most half of --memory (more go to "
     "OUT/checkpoints)"},
    {"memory", &TuneSpec::memory,
     "local: memory budget of running jobs and paused checkpoints, e.g. 2G or 512M (default: "
     "half of the machine's memory, or of the cgroup limit when lower, with jobs side by side "
     "within 1 GiB per worker)",
     OnResume::kMayChange},
    {"keep-checkpoints", &TuneSpec::keep_checkpoints,
     "keep the checkpoints spilled to OUT/checkpoints when the run ends", OnResume::kMayChange},
    {"max-model-size", &TuneSpec::max_model_size,
     "largest model to hand back, e.g. 2M: best.ftz is quantized to fit (as fastText's "
     "-autotune-modelsize); configurations that cannot fit even quantized are refused"},
    {"quantize", &TuneSpec::quantize, "also write best.ftz, quantized (fastText's .ftz)"},
    // AWS Lambda (--executor lambda).
    {"function", &TuneSpec::function, "lambda: the function running `rungs worker`"},
    {"qualifier", &TuneSpec::qualifier, "lambda: the function's alias or version"},
    {"region", &TuneSpec::region, "lambda: AWS region (default: AWS_REGION, the profile's)"},
    {"endpoint-url", &TuneSpec::endpoint_url,
     "lambda: Invoke endpoint (default: AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, AWS's)"},
    {"concurrency", &TuneSpec::concurrency, "lambda: invocations at once", OnResume::kMayChange,
     {}, IntRange{1, 10000}},
    {"function-timeout", &TuneSpec::function_timeout, "lambda: the function's timeout in seconds"},
    {"memory-mb", &TuneSpec::memory_mb,
     "lambda: billed memory when the function's log does not say (0: from the log)",
     OnResume::kFixed, {}, IntRange{0, 10240}},
    {"price-per-gb-second", &TuneSpec::price_per_gb_second,
     "lambda: dollars per GB-second (x86 by default)"},
};

// OK, or the first problem, naming the flag: no training data, a validation
// fraction outside (0, 1), no budget at all, ...
Status Validate(const TuneSpec& spec);

bool Maximize(const TuneSpec& spec);

// The spec's budget flags as a run's budget (driver/run_budget.h), and back.
driver::RunBudget BudgetOf(const TuneSpec& spec);
void SetBudget(const driver::RunBudget& budget, TuneSpec& spec);

// The spec as it may be written down or shown: the secret parts of its data
// and endpoint URLs (a password, a presigned URL's signature, a token)
// replaced (base/redact.h). experiment.json and the report hold this.
TuneSpec WithoutSecrets(TuneSpec spec);

// The spec with its local data paths (--train, --valid, --test, --data-dir)
// absolute, resolved against the working directory; URLs stay as they are.
// experiment.json keeps them so, and --resume from any folder reads the
// files the run read. On Lambda the paths stay as given: a relative one is
// also the workers' path inside the function's package (doc/lambda-package.md).
TuneSpec WithAbsoluteDataPaths(TuneSpec spec);

bool OnLambda(const TuneSpec& spec);

// The spec's promotion, or the executor's default: resume locally, restart on
// Lambda (stateless workers cannot resume).
job::Promotion Promotion(const TuneSpec& spec);

// The scheduler options the spec implies: its scheduler_options table, then
// the metric's direction, the budget and the promotion mode on top.
Result<sched::Options> SchedulerOptions(const TuneSpec& spec);

}  // namespace rungs::tune
