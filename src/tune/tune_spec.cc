#include "tune/tune_spec.h"

#include <functional>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include "driver/options_json.h"

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
      {"workers", f.Integer("workers", &TuneSpec::workers)},
      {"threads", f.Integer("threads", &TuneSpec::threads)},
      {"seed", f.Integer("seed", &TuneSpec::seed)},
      {"out", f.Text("out", &TuneSpec::out)},
      {"space", f.Text("space", &TuneSpec::space_file)},
      {"refit", f.Flag("refit", &TuneSpec::refit)},
      {"checkpoint-memory-mb", f.Integer("checkpoint-memory-mb", &TuneSpec::checkpoint_memory_mb)},
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
          {"checkpoint-memory-mb", s.checkpoint_memory_mb}};
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
  if (s.budget_epochs <= 0 && s.budget_seconds <= 0 && s.max_trials <= 0) {
    return Fail("no budget: give --budget-epochs, --budget-seconds or --max-trials");
  }
  if (s.budget_epochs < 0 || s.budget_seconds < 0 || s.max_trials < 0) {
    return Fail("budgets must not be negative");
  }
  if (s.workers < 0 || s.workers > 4096) return Fail("--workers must be in [0, 4096] (0: one per core)");
  if (s.threads < 1 || s.threads > 256) return Fail("--threads must be in [1, 256]");
  if (s.promotion != "resume" && s.promotion != "restart") {
    return Fail("--promotion must be resume or restart, got '" + s.promotion + "'");
  }
  if (s.checkpoint_memory_mb < 0) return Fail("--checkpoint-memory-mb must not be negative");
  if (s.out.empty()) return Fail("no output folder: give --out DIR");
  return Status::Ok();
}

bool Maximize(const TuneSpec& spec) {
  return spec.command.empty() ? spec.metric != "loss" : !spec.minimize;
}

Result<sched::Options> SchedulerOptions(const TuneSpec& spec) {
  // The experiment's own keys decide these; the table gives the rest.
  json merged = spec.scheduler_options;
  merged["metric"] = spec.metric;
  merged["direction"] = Maximize(spec) ? "maximize" : "minimize";
  merged["budget_epochs"] = spec.budget_epochs;
  merged["max_seconds"] = spec.budget_seconds;
  merged["max_trials"] = spec.max_trials;
  merged["promotion"] = spec.promotion;
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
