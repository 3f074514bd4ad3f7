#include "tune/tune_spec.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "base/byte_size.h"
#include "base/redact.h"
#include "driver/options_json.h"
#include "exec/invoke_client.h"
#include "fetch/fetch.h"
#include "tune/tune_options.h"

namespace rungs::tune {

std::string_view ExecutorName(Executor executor) {
  return executor == Executor::kLambda ? "lambda" : "local";
}

namespace {

// The executor and the flags that only make sense with it.
Status ValidateExecutor(const TuneSpec& s) {
  if (!(s.price_per_gb_second >= 0 && std::isfinite(s.price_per_gb_second))) {
    return Fail("--price-per-gb-second must be a number >= 0");
  }
  if (!OnLambda(s)) {
    std::pair<const char*, bool> lambda_only[] = {
        {"--function", !s.function.empty()},   {"--qualifier", !s.qualifier.empty()},
        {"--region", !s.region.empty()},       {"--endpoint-url", !s.endpoint_url.empty()},
        {"--budget-dollars", s.budget_dollars > 0}};
    for (const auto& [flag, given] : lambda_only) {
      if (given) return Fail(std::string(flag) + " needs --executor lambda");
    }
    return Status::Ok();
  }
  if (s.function.empty()) {
    return Fail("--executor lambda needs --function NAME: the Lambda function that runs `rungs worker`");
  }
  if (!s.command.empty()) {
    return Fail("--command cannot run on Lambda: its workers run the built-in classifier only "
                "(use --executor local)");
  }
  if (s.promotion == job::Promotion::kResume) {
    return Fail("--promotion resume needs local workers: Lambda workers keep no checkpoints, "
                "so promoted trials restart (--promotion restart)");
  }
  if (s.workers != 0) return Fail("--workers is for local workers; on Lambda give --concurrency");
  RUNGS_RETURN_IF_ERROR(exec::CheckFunctionName(s.function, "--function"));
  if (!s.qualifier.empty()) RUNGS_RETURN_IF_ERROR(exec::CheckFunctionName(s.qualifier, "--qualifier"));
  if (!(s.function_timeout > 0 && s.function_timeout <= 900)) {
    return Fail("--function-timeout must be in (0, 900] seconds (Lambda's limit)");
  }
  return Status::Ok();
}

}  // namespace

Status Validate(const TuneSpec& s) {
  if (s.command.empty() && s.train.empty() && s.dataset.empty()) {
    return Fail("no training data: give --train PATH_OR_URL or --dataset NAME");
  }
  if (!s.command.empty() && s.space_file.empty()) {
    return Fail("--command needs --space: the built-in space is the classifier's");
  }
  if (s.valid.empty() && !(s.valid_fraction > 0 && s.valid_fraction < 1)) {
    return Fail("--valid-fraction must be in (0, 1), got " + std::to_string(s.valid_fraction));
  }
  const std::pair<const char*, double> budgets[] = {
      {"--budget-epochs", double(s.budget_epochs)}, {"--budget-seconds", s.budget_seconds},
      {"--max-trials", double(s.max_trials)}, {"--budget-dollars", s.budget_dollars}};
  for (const auto& [flag, budget] : budgets) {
    if (!(budget >= 0) || !std::isfinite(budget)) {
      char given[32];
      std::snprintf(given, sizeof given, "%g", budget);
      return Fail(std::string(flag) + " must be a number > 0, got " + given);
    }
  }
  // A dollar budget only caps the others: the scheduler paces itself by them.
  if (s.budget_epochs <= 0 && s.budget_seconds <= 0 && s.max_trials <= 0) {
    return Fail("no budget: give --budget-epochs, --budget-seconds or --max-trials");
  }
  RUNGS_RETURN_IF_ERROR(CheckRanges(s));
  RUNGS_RETURN_IF_ERROR(ValidateExecutor(s));
  if (s.checkpoint_memory_mb < 0) return Fail("--checkpoint-memory-mb must not be negative");
  // Checked before the search: one fold leaves nothing to train on, and the
  // run failed only after spending its budget.
  if (s.cross_check < 0 || s.cross_check == 1) {
    return Fail("--cross-check must be 0 (off) or 2 folds or more, got " +
                std::to_string(s.cross_check));
  }
  if (!s.memory.empty()) {
    if (OnLambda(s)) {
      return Fail("--memory is for local workers; on Lambda each job must fit the function's "
                  "memory");
    }
    if (Result<int64_t> m = ParseByteSize(s.memory, "--memory"); !m.ok()) return m.error();
  }
  if (!s.max_model_size.empty()) {
    if (!s.command.empty()) {
      return Fail("--max-model-size is for the built-in classifier, not --command");
    }
    Result<int64_t> size = ParseByteSize(s.max_model_size, "--max-model-size");
    if (!size.ok()) return size.error();
  }
  if (s.quantize && !s.command.empty()) {
    return Fail("--quantize is for the built-in classifier, not --command");
  }
  if (s.out.empty()) return Fail("no output folder: give --out DIR");
  return Status::Ok();
}

TuneSpec WithoutSecrets(TuneSpec spec) {
  for (std::string* location : {&spec.train, &spec.valid, &spec.test, &spec.endpoint_url}) {
    *location = RedactSecrets(*location);
  }
  return spec;
}

TuneSpec WithAbsoluteDataPaths(TuneSpec spec) {
  if (OnLambda(spec)) return spec;
  for (std::string* location : {&spec.train, &spec.valid, &spec.test, &spec.data_dir}) {
    if (!fetch::IsLocalPath(*location)) continue;
    *location = std::filesystem::absolute(*location).lexically_normal().string();
  }
  return spec;
}

bool OnLambda(const TuneSpec& spec) { return spec.executor == Executor::kLambda; }

driver::RunBudget BudgetOf(const TuneSpec& spec) {
  driver::RunBudget budget;
  budget.epochs = spec.budget_epochs;
  budget.trials = spec.max_trials;
  budget.seconds = spec.budget_seconds;
  budget.dollars = spec.budget_dollars;
  return budget;
}

void SetBudget(const driver::RunBudget& budget, TuneSpec& spec) {
  spec.budget_epochs = budget.epochs;
  spec.max_trials = budget.trials;
  spec.budget_seconds = budget.seconds;
  spec.budget_dollars = budget.dollars;
}

job::Promotion Promotion(const TuneSpec& spec) {
  if (spec.promotion) return *spec.promotion;
  return OnLambda(spec) ? job::Promotion::kRestart : job::Promotion::kResume;
}

bool Maximize(const TuneSpec& spec) {
  return spec.command.empty() ? spec.metric != "loss" : !spec.minimize;
}

constexpr int kClassifierMinEpochs = 3;

// A scheduler option most give by its flag (--eta, --min-epochs,
// --max-epochs) is named by it: "--eta: scheduler option 'eta' must be ...".
// The key at fault is the error's field; its message starts with `origin`.
Error SchedulerOptionsError(const std::string& origin, const Error& error) {
  for (const TuneOption& option : kTuneOptions) {
    const auto* flag = std::get_if<SchedulerOptionFlag>(&option.field);
    if (flag && flag->name == error.field) {
      return Error{"--" + std::string(option.key) + error.message.substr(origin.size()),
                   error.field};
    }
  }
  return error;
}

Result<sched::Options> SchedulerOptions(const TuneSpec& spec) {
  // The experiment's own keys decide these; the table gives the rest.
  nlohmann::json merged = spec.scheduler_options;
  // The built-in classifier learns little in one epoch of a small corpus
  // (on 20 Newsgroups most settings are still at chance), so its bottom rung
  // is 3 epochs unless the experiment sets it or a short ladder.
  if (spec.command.empty() && !merged.contains("min_epochs") &&
      merged.value("max_epochs", 27) >= 3 * kClassifierMinEpochs) {
    merged["min_epochs"] = kClassifierMinEpochs;
  }
  merged["metric"] = spec.metric;
  merged["direction"] = Maximize(spec) ? "maximize" : "minimize";
  merged["budget_epochs"] = spec.budget_epochs;
  merged["max_seconds"] = spec.budget_seconds;
  merged["max_trials"] = spec.max_trials;
  merged["promotion"] = sched::PromotionName(Promotion(spec));
  const std::string origin = "scheduler-options";
  Result<sched::Options> options = driver::OptionsFromJson(merged, origin);
  if (!options.ok()) return SchedulerOptionsError(origin, options.error());
  if (spec.budget_epochs > 0 && spec.budget_epochs < options->min_epochs) {
    return Fail("--budget-epochs " + std::to_string(spec.budget_epochs) +
                " is too small for one bottom-rung job (" + std::to_string(options->min_epochs) +
                " epochs)");
  }
  return options;
}

}  // namespace rungs::tune
