#include "tune/tune_spec.h"

#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include "driver/options_json.h"
#include "exec/invoke_client.h"

namespace rungs::tune {
namespace {

using nlohmann::json;
using Field = std::function<Status(const json& value, TuneSpec& spec)>;

Error Wrong(const std::string& origin, const std::string& key, const char* want, const json& got) {
  return Fail(origin + ": '" + key + "' must be " + want + ", got " + got.dump());
}

// Builders of one field reader per key: each checks the JSON type.
struct Fields {
  std::string origin;

  Field Text(const std::string& key, std::string TuneSpec::*member) const {
    return [=, this](const json& v, TuneSpec& s) -> Status {
      if (!v.is_string()) return Wrong(origin, key, "a string", v);
      s.*member = v.get<std::string>();
      return Status::Ok();
    };
  }
  template <class Int>
  Field Integer(const std::string& key, Int TuneSpec::*member) const {
    return [=, this](const json& v, TuneSpec& s) -> Status {
      if (!v.is_number_integer()) return Wrong(origin, key, "an integer", v);
      s.*member = v.get<Int>();
      return Status::Ok();
    };
  }
  Field Number(const std::string& key, double TuneSpec::*member) const {
    return [=, this](const json& v, TuneSpec& s) -> Status {
      if (!v.is_number()) return Wrong(origin, key, "a number", v);
      s.*member = v.get<double>();
      return Status::Ok();
    };
  }
  Field Flag(const std::string& key, bool TuneSpec::*member) const {
    return [=, this](const json& v, TuneSpec& s) -> Status {
      if (!v.is_boolean()) return Wrong(origin, key, "true or false", v);
      s.*member = v.get<bool>();
      return Status::Ok();
    };
  }
  Field ReadText(const std::string& key, std::string text::ReadOptions::*member) const {
    return [=, this](const json& v, TuneSpec& s) -> Status {
      if (!v.is_string()) return Wrong(origin, key, "a string", v);
      s.read.*member = v.get<std::string>();
      return Status::Ok();
    };
  }
};

Result<text::Format> ParseFormat(const std::string& name) {
  if (name == "auto") return text::Format::kAuto;
  if (name == "fasttext") return text::Format::kFastText;
  if (name == "csv") return text::Format::kCsv;
  if (name == "jsonl") return text::Format::kJsonl;
  return Fail("unknown format '" + name + "' (expected auto, fasttext, csv or jsonl)");
}

std::string FormatName(text::Format format) {
  switch (format) {
    case text::Format::kFastText: return "fasttext";
    case text::Format::kCsv: return "csv";
    case text::Format::kJsonl: return "jsonl";
    case text::Format::kAuto: break;
  }
  return "auto";
}

std::map<std::string, Field> AllFields(const std::string& origin) {
  Fields f{origin};
  return {
      {"train", f.Text("train", &TuneSpec::train)},
      {"valid", f.Text("valid", &TuneSpec::valid)},
      {"valid-fraction", f.Number("valid-fraction", &TuneSpec::valid_fraction)},
      {"test", f.Text("test", &TuneSpec::test)},
      {"dataset", f.Text("dataset", &TuneSpec::dataset)},
      {"data-dir", f.Text("data-dir", &TuneSpec::data_dir)},
      {"command", f.Text("command", &TuneSpec::command)},
      {"minimize", f.Flag("minimize", &TuneSpec::minimize)},
      {"metric", f.Text("metric", &TuneSpec::metric)},
      {"scheduler", f.Text("scheduler", &TuneSpec::scheduler)},
      {"promotion", f.Text("promotion", &TuneSpec::promotion)},
      {"budget-epochs", f.Integer("budget-epochs", &TuneSpec::budget_epochs)},
      {"budget-seconds", f.Number("budget-seconds", &TuneSpec::budget_seconds)},
      {"max-trials", f.Integer("max-trials", &TuneSpec::max_trials)},
      {"executor", f.Text("executor", &TuneSpec::executor)},
      {"workers", f.Integer("workers", &TuneSpec::workers)},
      {"threads", f.Integer("threads", &TuneSpec::threads)},
      {"seed", f.Integer("seed", &TuneSpec::seed)},
      {"out", f.Text("out", &TuneSpec::out)},
      {"space", f.Text("space", &TuneSpec::space_file)},
      {"refit", f.Flag("refit", &TuneSpec::refit)},
      {"checkpoint-memory-mb", f.Integer("checkpoint-memory-mb", &TuneSpec::checkpoint_memory_mb)},
      {"function", f.Text("function", &TuneSpec::function)},
      {"qualifier", f.Text("qualifier", &TuneSpec::qualifier)},
      {"region", f.Text("region", &TuneSpec::region)},
      {"endpoint-url", f.Text("endpoint-url", &TuneSpec::endpoint_url)},
      {"concurrency", f.Integer("concurrency", &TuneSpec::concurrency)},
      {"function-timeout", f.Number("function-timeout", &TuneSpec::function_timeout)},
      {"memory-mb", f.Integer("memory-mb", &TuneSpec::memory_mb)},
      {"price-per-gb-second", f.Number("price-per-gb-second", &TuneSpec::price_per_gb_second)},
      {"budget-dollars", f.Number("budget-dollars", &TuneSpec::budget_dollars)},
      {"label", f.ReadText("label", &text::ReadOptions::label_prefix)},
      {"label-column", f.ReadText("label-column", &text::ReadOptions::csv_label_column)},
      {"label-field", f.ReadText("label-field", &text::ReadOptions::json_label_field)},
      {"text-field", f.ReadText("text-field", &text::ReadOptions::json_text_field)},
      {"format",
       [origin](const json& v, TuneSpec& s) -> Status {
         if (!v.is_string()) return Wrong(origin, "format", "a string", v);
         Result<text::Format> format = ParseFormat(v.get<std::string>());
         if (!format.ok()) return Fail(origin + ": 'format': " + format.message());
         s.read.format = *format;
         return Status::Ok();
       }},
      {"text-columns",
       [origin](const json& v, TuneSpec& s) -> Status {
         if (!v.is_array() || v.empty()) return Wrong(origin, "text-columns", "a non-empty array of strings", v);
         s.read.csv_text_columns.clear();
         for (const json& c : v) {
           if (!c.is_string()) return Wrong(origin, "text-columns", "a non-empty array of strings", v);
           s.read.csv_text_columns.push_back(c.get<std::string>());
         }
         return Status::Ok();
       }},
      {"header",
       [origin](const json& v, TuneSpec& s) -> Status {
         if (!v.is_boolean()) return Wrong(origin, "header", "true or false", v);
         s.read.csv_has_header = v.get<bool>();
         return Status::Ok();
       }},
      {"scheduler-options",
       [origin](const json& v, TuneSpec& s) -> Status {
         if (!v.is_object()) return Wrong(origin, "scheduler-options", "a table", v);
         s.scheduler_options = v;
         return Status::Ok();
       }},
  };
}

// The executor and the flags that only make sense with it.
Status ValidateExecutor(const TuneSpec& s) {
  if (s.executor != "local" && s.executor != "lambda") {
    return Fail("--executor must be local or lambda, got '" + s.executor + "'");
  }
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
  if (s.promotion == "resume") {
    return Fail("--promotion resume needs local workers: Lambda workers keep no checkpoints, "
                "so promoted trials restart (--promotion restart)");
  }
  if (s.workers != 0) return Fail("--workers is for local workers; on Lambda give --concurrency");
  RUNGS_RETURN_IF_ERROR(exec::CheckFunctionName(s.function, "--function"));
  if (!s.qualifier.empty()) RUNGS_RETURN_IF_ERROR(exec::CheckFunctionName(s.qualifier, "--qualifier"));
  if (s.concurrency < 1 || s.concurrency > 10000) {
    return Fail("--concurrency must be in [1, 10000], got " + std::to_string(s.concurrency));
  }
  if (!(s.function_timeout > 0 && s.function_timeout <= 900)) {
    return Fail("--function-timeout must be in (0, 900] seconds (Lambda's limit)");
  }
  if (s.memory_mb < 0 || s.memory_mb > 10240) {
    return Fail("--memory-mb must be in [0, 10240] (Lambda's limit; 0: from the function's log)");
  }
  return Status::Ok();
}

}  // namespace

Result<TuneSpec> SpecFromJson(const json& object, const std::string& origin) {
  if (!object.is_object()) return Fail(origin + ": an experiment must be a table of keys");
  auto fields = AllFields(origin);
  TuneSpec spec;
  for (const auto& [key, value] : object.items()) {
    auto field = fields.find(key);
    if (field == fields.end()) return Fail(origin + ": unknown key '" + key + "'");
    RUNGS_RETURN_IF_ERROR(field->second(value, spec));
  }
  return spec;
}

json SpecToJson(const TuneSpec& s) {
  return {{"train", s.train},
          {"valid", s.valid},
          {"valid-fraction", s.valid_fraction},
          {"test", s.test},
          {"dataset", s.dataset},
          {"data-dir", s.data_dir},
          {"command", s.command},
          {"minimize", s.minimize},
          {"format", FormatName(s.read.format)},
          {"label", s.read.label_prefix},
          {"label-column", s.read.csv_label_column},
          {"text-columns", s.read.csv_text_columns},
          {"header", s.read.csv_has_header},
          {"label-field", s.read.json_label_field},
          {"text-field", s.read.json_text_field},
          {"metric", s.metric},
          {"scheduler", s.scheduler},
          {"scheduler-options", s.scheduler_options},
          {"promotion", s.promotion},
          {"budget-epochs", s.budget_epochs},
          {"budget-seconds", s.budget_seconds},
          {"max-trials", s.max_trials},
          {"workers", s.workers},
          {"threads", s.threads},
          {"seed", s.seed},
          {"out", s.out},
          {"space", s.space_file},
          {"refit", s.refit},
          {"checkpoint-memory-mb", s.checkpoint_memory_mb},
          {"executor", s.executor},
          {"function", s.function},
          {"qualifier", s.qualifier},
          {"region", s.region},
          {"endpoint-url", s.endpoint_url},
          {"concurrency", s.concurrency},
          {"function-timeout", s.function_timeout},
          {"memory-mb", s.memory_mb},
          {"price-per-gb-second", s.price_per_gb_second},
          {"budget-dollars", s.budget_dollars}};
}

Result<TuneSpec> ReadTuneSpec(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Fail(path + ":" + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()));
  }
  // Name the line of an unknown key before converting (JSON has no lines).
  auto fields = AllFields(path);
  for (const auto& [key, node] : table) {
    if (!fields.count(std::string(key.str()))) {
      return Fail(path + ":" + std::to_string(node.source().begin.line) + ": unknown key '" +
                  std::string(key.str()) + "'");
    }
  }
  std::ostringstream text;
  text << toml::json_formatter{table};
  return SpecFromJson(json::parse(text.str()), path);
}

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
  // A dollar budget only caps the others: the scheduler paces itself by them.
  if (s.budget_epochs <= 0 && s.budget_seconds <= 0 && s.max_trials <= 0) {
    return Fail("no budget: give --budget-epochs, --budget-seconds or --max-trials");
  }
  if (s.budget_epochs < 0 || s.budget_seconds < 0 || s.max_trials < 0 || s.budget_dollars < 0) {
    return Fail("budgets must not be negative");
  }
  if (s.workers < 0 || s.workers > 4096) return Fail("--workers must be in [0, 4096] (0: one per core)");
  if (s.threads < 1 || s.threads > 256) return Fail("--threads must be in [1, 256]");
  if (!s.promotion.empty() && s.promotion != "resume" && s.promotion != "restart") {
    return Fail("--promotion must be resume or restart, got '" + s.promotion + "'");
  }
  RUNGS_RETURN_IF_ERROR(ValidateExecutor(s));
  if (s.checkpoint_memory_mb < 0) return Fail("--checkpoint-memory-mb must not be negative");
  if (s.out.empty()) return Fail("no output folder: give --out DIR");
  return Status::Ok();
}

bool OnLambda(const TuneSpec& spec) { return spec.executor == "lambda"; }

std::string Promotion(const TuneSpec& spec) {
  if (!spec.promotion.empty()) return spec.promotion;
  return OnLambda(spec) ? "restart" : "resume";
}

bool Maximize(const TuneSpec& spec) {
  return spec.command.empty() ? spec.metric != "loss" : !spec.minimize;
}

constexpr int kClassifierMinEpochs = 3;

Result<sched::Options> SchedulerOptions(const TuneSpec& spec) {
  // The experiment's own keys decide these; the table gives the rest.
  json merged = spec.scheduler_options;
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
  merged["promotion"] = Promotion(spec);
  Result<sched::Options> options = driver::OptionsFromJson(merged, "scheduler-options");
  if (!options.ok()) return options.error();
  if (spec.budget_epochs > 0 && spec.budget_epochs < options->min_epochs) {
    return Fail("--budget-epochs " + std::to_string(spec.budget_epochs) +
                " is too small for one bottom-rung job (" + std::to_string(options->min_epochs) +
                " epochs)");
  }
  return options;
}

}  // namespace rungs::tune
