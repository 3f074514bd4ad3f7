#include "tune/tune_options.h"

#include <charconv>
#include <concepts>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <sstream>
#include <type_traits>

#include <toml++/toml.h>

#include "base/redact.h"
#include "driver/options_json.h"

namespace rungs::tune {
namespace {

using nlohmann::json;

// The enums options hold: every value, and its one name.
std::span<const text::Format> AllOf(text::Format) { return text::kFormats; }
std::span<const Executor> AllOf(Executor) { return kExecutors; }
std::span<const sched::Method> AllOf(sched::Method) { return sched::kMethods; }
std::span<const job::Promotion> AllOf(job::Promotion) { return sched::kPromotions; }
std::string_view NameOf(text::Format v) { return text::FormatName(v); }
std::string_view NameOf(Executor v) { return ExecutorName(v); }
std::string_view NameOf(sched::Method v) { return sched::MethodName(v); }
std::string_view NameOf(job::Promotion v) { return sched::PromotionName(v); }

template <class T>
concept Enum = std::is_enum_v<T>;
template <class T>
concept Integer = std::integral<T> && !std::same_as<T, bool>;

// How one type of option is described, read from JSON, written to JSON and
// read from a flag's text. Reading returns false for a value of the wrong
// type or out of range; the caller names the key or flag.
template <class T>
struct Codec;

template <>
struct Codec<std::string> {
  static std::string Describe() { return "a string"; }
  static bool FromJson(const json& v, std::string& out) {
    if (!v.is_string()) return false;
    out = v.get<std::string>();
    return true;
  }
  static json ToJson(const std::string& v) { return v; }
  static bool FromText(const std::string& text, std::string& out) {
    out = text;
    return true;
  }
};

template <>
struct Codec<double> {
  static std::string Describe() { return "a number"; }
  static bool FromJson(const json& v, double& out) {
    if (!v.is_number()) return false;
    out = v.get<double>();
    return true;
  }
  static json ToJson(double v) { return v; }
  static bool FromText(const std::string& text, double& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
  }
};

template <Integer T>
struct Codec<T> {
  static std::string Describe() { return std::is_unsigned_v<T> ? "an integer >= 0" : "an integer"; }
  static bool FromJson(const json& v, T& out) {
    if (!v.is_number_integer()) return false;
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u > uint64_t(std::numeric_limits<T>::max())) return false;
      out = T(u);
      return true;
    }
    int64_t i = v.get<int64_t>();
    if (i < int64_t(std::numeric_limits<T>::min()) ||
        (std::is_signed_v<T> && i > int64_t(std::numeric_limits<T>::max()))) {
      return false;
    }
    out = T(i);
    return true;
  }
  static json ToJson(T v) { return v; }
  static bool FromText(const std::string& text, T& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
  }
};

template <>
struct Codec<bool> {
  static std::string Describe() { return "true or false"; }
  static bool FromJson(const json& v, bool& out) {
    if (!v.is_boolean()) return false;
    out = v.get<bool>();
    return true;
  }
  static json ToJson(bool v) { return v; }
};

template <>
struct Codec<std::vector<std::string>> {
  static std::string Describe() { return "a non-empty array of strings"; }
  static bool FromJson(const json& v, std::vector<std::string>& out) {
    if (!v.is_array() || v.empty()) return false;
    std::vector<std::string> items;
    for (const json& item : v) {
      if (!item.is_string()) return false;
      items.push_back(item.get<std::string>());
    }
    out = std::move(items);
    return true;
  }
  static json ToJson(const std::vector<std::string>& v) { return v; }
};

template <>
struct Codec<json> {
  static std::string Describe() { return "a table"; }
  static bool FromJson(const json& v, json& out) {
    if (!v.is_object()) return false;
    out = v;
    return true;
  }
  static json ToJson(const json& v) { return v; }
};

template <Enum E>
struct Codec<E> {
  static std::string Describe() {
    std::span<const E> all = AllOf(E{});
    std::string names;
    for (size_t i = 0; i < all.size(); ++i) {
      names += i == 0 ? "" : i + 1 == all.size() ? " or " : ", ";
      names += NameOf(all[i]);
    }
    return names;
  }
  static bool FromJson(const json& v, E& out) {
    return v.is_string() && FromText(v.get<std::string>(), out);
  }
  static json ToJson(E v) { return NameOf(v); }
  static bool FromText(const std::string& text, E& out) {
    for (E value : AllOf(E{})) {
      if (NameOf(value) == text) {
        out = value;
        return true;
      }
    }
    return false;
  }
};

// An enum that may be left out: "" stands for none.
template <Enum E>
struct Codec<std::optional<E>> {
  static std::string Describe() { return Codec<E>::Describe(); }
  static bool FromJson(const json& v, std::optional<E>& out) {
    return v.is_string() && FromText(v.get<std::string>(), out);
  }
  static json ToJson(const std::optional<E>& v) { return v ? Codec<E>::ToJson(*v) : json(""); }
  static bool FromText(const std::string& text, std::optional<E>& out) {
    if (text.empty()) {
      out.reset();
      return true;
    }
    E value{};
    if (!Codec<E>::FromText(text, value)) return false;
    out = value;
    return true;
  }
};

// The value an option's member pointer designates in a spec.
template <class T>
T& At(TuneSpec& spec, T TuneSpec::*member) {
  return spec.*member;
}
template <class T>
T& At(TuneSpec& spec, T text::ReadOptions::*member) {
  return spec.read.*member;
}
template <class T>
const T& At(const TuneSpec& spec, T TuneSpec::*member) {
  return spec.*member;
}
template <class T>
const T& At(const TuneSpec& spec, T text::ReadOptions::*member) {
  return spec.read.*member;
}

const TuneSpec& Defaults() {
  static const TuneSpec defaults;
  return defaults;
}

// The type of the value a member pointer designates.
template <class M>
struct ValueOf;
template <class T, class C>
struct ValueOf<T C::*> {
  using type = T;
};
template <class M>
using ValueType = typename ValueOf<M>::type;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// C++20 deduces this by itself, but clang 14 (scripts/sanitize.sh) does not yet.
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// A key of experiment files and of the JSON record; flag-only rows have none.
bool HasKey(const TuneOption& option) {
  return !std::holds_alternative<SchedulerOptionFlag>(option.field);
}

const TuneOption* FindKey(std::string_view key) {
  for (const TuneOption& option : kTuneOptions) {
    if (option.key == key && HasKey(option)) return &option;
  }
  return nullptr;
}

std::string RangeText(int64_t min, auto max) {
  return "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

std::string Describe(const TuneOption& option) {
  if (option.range) return RangeText(option.range->min, option.range->max);
  return std::visit(Overloaded{[](SchedulerOptionFlag) { return Codec<int>::Describe(); },
                               [](auto member) {
                                 using T = ValueType<decltype(member)>;
                                 return Codec<T>::Describe();
                               }},
                    option.field);
}

Status SetFromJson(const TuneOption& option, const json& value, const std::string& origin,
                   TuneSpec& spec) {
  bool ok = std::visit(Overloaded{[](SchedulerOptionFlag) { return false; },
                                  [&](auto member) {
                                    using T = ValueType<decltype(member)>;
                                    return Codec<T>::FromJson(value, At(spec, member));
                                  }},
                       option.field);
  if (ok) return Status::Ok();
  return Fail(origin + ": '" + std::string(option.key) + "' must be " + Describe(option) +
              ", got " + value.dump());
}

// Whether `text` is a whole number too large for an option of type T.
template <class T>
bool Overflows(const std::string& text) {
  if constexpr (Integer<T>) {
    T value;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc::result_out_of_range && end == text.data() + text.size();
  }
  return false;
}

// The values an integer option of type T takes: its own range, else T's.
template <class T>
std::string RangeOf(const TuneOption& option) {
  if (option.range) return RangeText(option.range->min, option.range->max);
  if constexpr (Integer<T>) {
    return RangeText(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  }
  return "";
}

// Why `text` is not a value of `option`, naming its flag.
Error BadFlagValue(const TuneOption& option, const std::string& text) {
  const std::string range = std::visit(
      Overloaded{[&](SchedulerOptionFlag) {
                   return Overflows<int>(text) ? RangeOf<int>(option) : "";
                 },
                 [&](auto member) {
                   using T = ValueType<decltype(member)>;
                   return Overflows<T>(text) ? RangeOf<T>(option) : "";
                 }},
      option.field);
  if (!range.empty()) {
    return Fail(FlagName(option) + " " + text + " is out of range: it must be " + range);
  }
  return Fail(FlagName(option) + " must be " + Describe(option) + ", got '" + text + "'");
}

Status SetFromFlag(const GivenFlag& flag, TuneSpec& spec) {
  const TuneOption& option = *flag.option;
  const std::string text = flag.values.empty() ? "" : flag.values.back();
  bool ok = std::visit(
      Overloaded{[&](SchedulerOptionFlag f) {
                   int value = 0;
                   if (!Codec<int>::FromText(text, value)) return false;
                   spec.scheduler_options[std::string(f.name)] = value;
                   return true;
                 },
                 [&](auto member) {
                   using T = ValueType<decltype(member)>;
                   T& out = At(spec, member);
                   if constexpr (std::is_same_v<T, bool>) {
                     out = !At(Defaults(), member);  // a switch: the other value
                     return true;
                   } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                     out = flag.values;
                     return !out.empty();
                   } else if constexpr (std::is_same_v<T, json>) {
                     return false;  // a table has no flag
                   } else {
                     return Codec<T>::FromText(text, out);
                   }
                 }},
      option.field);
  if (ok) return Status::Ok();
  return BadFlagValue(option, text);
}

// What may change on resume, for the message refusing the rest.
std::string MayChangeOnResume() {
  std::string flags;
  for (const TuneOption& option : kTuneOptions) {
    if (option.on_resume != OnResume::kMayChange) continue;
    flags += (flags.empty() ? "" : ", ") + FlagName(option);
  }
  return flags;
}

// On resume, a URL whose secrets experiment.json could not keep may be given
// again: the same URL, secrets included (tune::WithoutSecrets).
bool SuppliesSecrets(const GivenFlag& flag, const TuneSpec& saved) {
  auto* member = std::get_if<std::string TuneSpec::*>(&flag.option->field);
  if (member == nullptr || flag.values.size() != 1) return false;
  const std::string& stored = saved.**member;
  return IsRedacted(stored) && RedactSecrets(flag.values[0]) == stored;
}

// True when `option` is one of the budgets and `spec` sets it to `value`.
bool IsBudget(const TuneOption& option, const TuneSpec& spec, double value) {
  if (auto* member = std::get_if<int64_t TuneSpec::*>(&option.field)) {
    return (*member == &TuneSpec::budget_epochs || *member == &TuneSpec::max_trials) &&
           double(spec.**member) == value;
  }
  if (auto* member = std::get_if<double TuneSpec::*>(&option.field)) {
    return (*member == &TuneSpec::budget_seconds || *member == &TuneSpec::budget_dollars) &&
           spec.**member == value;
  }
  return false;
}

bool IsMetric(const TuneOption& option) {
  auto* member = std::get_if<std::string TuneSpec::*>(&option.field);
  return member && *member == &TuneSpec::metric;
}

std::string Code(const std::string& text) { return "`" + text + "`"; }

// The default of an option, as an experiment file would write it.
std::string DefaultText(const TuneOption& option) {
  if (const auto* f = std::get_if<SchedulerOptionFlag>(&option.field)) {
    return driver::OptionsToJson(sched::Options{})[std::string(f->name)].dump();
  }
  return SpecToJson(Defaults())[std::string(option.key)].dump();
}

}  // namespace

FlagKind FlagKindOf(const TuneOption& option) {
  return std::visit(Overloaded{[](SchedulerOptionFlag) { return FlagKind::kValue; },
                               [](auto member) {
                                 using T = ValueType<decltype(member)>;
                                 if constexpr (std::is_same_v<T, bool>) return FlagKind::kSwitch;
                                 if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                                   return FlagKind::kList;
                                 }
                                 if constexpr (std::is_same_v<T, json>) return FlagKind::kNone;
                                 return FlagKind::kValue;
                               }},
                    option.field);
}

std::string FlagName(const TuneOption& option) {
  if (FlagKindOf(option) == FlagKind::kNone) return "";
  return option.flag.empty() ? "--" + std::string(option.key) : std::string(option.flag);
}

Status CheckRanges(const TuneSpec& spec) {
  for (const TuneOption& option : kTuneOptions) {
    const std::optional<int64_t> value = std::visit(
        Overloaded{[&](int TuneSpec::*member) { return std::optional<int64_t>(spec.*member); },
                   [&](int64_t TuneSpec::*member) { return std::optional(spec.*member); },
                   [](auto) { return std::optional<int64_t>(); }},
        option.field);
    if (!option.range || !value) continue;  // a scheduler option's: sched::Validate
    if (*value < option.range->min || *value > option.range->max) {
      return Fail(FlagName(option) + " must be " + Describe(option) + ", got " +
                  std::to_string(*value));
    }
  }
  return Status::Ok();
}

Result<TuneSpec> SpecFromJson(const json& object, const std::string& origin) {
  if (!object.is_object()) return Fail(origin + ": an experiment must be a table of keys");
  TuneSpec spec;
  for (const auto& [key, value] : object.items()) {
    const TuneOption* option = FindKey(key);
    if (option == nullptr) return Fail(origin + ": unknown key '" + key + "'");
    RUNGS_RETURN_IF_ERROR(SetFromJson(*option, value, origin, spec));
  }
  return spec;
}

json SpecToJson(const TuneSpec& spec) {
  json object = json::object();
  for (const TuneOption& option : kTuneOptions) {
    if (!HasKey(option)) continue;
    object[std::string(option.key)] = std::visit(
        Overloaded{[](SchedulerOptionFlag) { return json(); },
                   [&](auto member) {
                     using T = ValueType<decltype(member)>;
                     return Codec<T>::ToJson(At(spec, member));
                   }},
        option.field);
  }
  return object;
}

Result<TuneSpec> ReadTuneSpec(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail("cannot read the experiment file " + path + ": " +
                (std::filesystem::exists(path, error) ? "not a file" : "no such file"));
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    // `rungs tune train.txt` is a natural first try: say what the argument is.
    const std::string hint =
        path.ends_with(".toml")
            ? ""
            : " (" + path + " was read as an experiment TOML file; to tune on it, give --train " +
                  path + ")";
    return Fail(path + ":" + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()) + hint);
  }
  // Name the line of an unknown key before converting (JSON has no lines).
  for (const auto& [key, node] : table) {
    if (FindKey(key.str()) == nullptr) {
      return Fail(path + ":" + std::to_string(node.source().begin.line) + ": unknown key '" +
                  std::string(key.str()) + "'");
    }
  }
  std::ostringstream text;
  text << toml::json_formatter{table};
  return SpecFromJson(json::parse(text.str()), path);
}

namespace {

// On resume, an option the journal fixes may still be given with the value
// it has: the command line that made the run, with --resume added. A path
// is the same however it is spelled: data/x.txt and the absolute path the
// experiment keeps, --out out/ or ./out for --resume out.
Result<bool> KeepsValue(const GivenFlag& flag, const TuneSpec& saved) {
  TuneSpec given = saved;
  RUNGS_RETURN_IF_ERROR(SetFromFlag(flag, given));
  std::error_code error;
  if (std::filesystem::equivalent(given.out, saved.out, error)) given.out = saved.out;
  return SpecToJson(WithAbsoluteDataPaths(given)) == SpecToJson(WithAbsoluteDataPaths(saved));
}

// "(it is X)" for an option `saved` holds under a key, else "".
std::string SavedValueText(const TuneOption& option, const TuneSpec& saved) {
  if (!HasKey(option)) return "";
  const json value = SpecToJson(saved)[std::string(option.key)];
  return " (it is " + (value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump()) +
         ")";
}

}  // namespace

Status ApplyFlags(const std::vector<GivenFlag>& flags, bool resuming, TuneSpec& spec) {
  bool metric_given = false;
  for (const GivenFlag& flag : flags) {
    if (resuming && flag.option->on_resume != OnResume::kMayChange &&
        !SuppliesSecrets(flag, spec)) {
      Result<bool> same = KeepsValue(flag, spec);
      if (!same.ok()) return same.error();
      if (!*same) {
        return Fail(FlagName(*flag.option) + " cannot change on --resume" +
                    SavedValueText(*flag.option, spec) +
                    ": the journal fixes what the experiment searches (only " +
                    MayChangeOnResume() + " may change)");
      }
    }
    RUNGS_RETURN_IF_ERROR(SetFromFlag(flag, spec));
    if (IsBudget(*flag.option, spec, 0)) {
      return Fail(FlagName(*flag.option) + " must be > 0, got 0 (leave it out for no limit)");
    }
    metric_given = metric_given || IsMetric(*flag.option);
  }
  if (!resuming && !metric_given && !spec.command.empty() && spec.metric == Defaults().metric) {
    spec.metric = "value";
  }
  spec = WithAbsoluteDataPaths(std::move(spec));
  return Status::Ok();
}

std::string OptionsMarkdown() {
  std::string md =
      "# rungs tune options\n\n"
      "<!-- Generated by `rungs tune --options-markdown` from kTuneOptions in\n"
      "     src/tune/tune_spec.h; edit the table there, then regenerate. -->\n\n"
      "Every option is a key of an experiment file (`rungs tune experiment.toml`,\n"
      "TOML) and a flag; flags override the file, and a flag given twice takes\n"
      "its last value. Unknown keys are refused, naming the key and its line.\n"
      "The output folder keeps the options as JSON, the same keys, in\n"
      "`experiment.json`. `rungs tune --resume DIR` continues that experiment:\n"
      "only the options that may change on resume may be given a new value then\n"
      "(how it runs); what it searches is fixed by its journal, and a fixed\n"
      "option is taken only with the value it has. Besides these options\n"
      "`rungs tune` takes `--resume DIR`, `--quiet` (no progress) and `--json`\n"
      "(progress and summary as JSON lines).\n\n"
      "| key | flag | type | default | on resume | meaning |\n"
      "| --- | --- | --- | --- | --- | --- |\n";
  for (const TuneOption& option : kTuneOptions) {
    const auto* scheduler_option = std::get_if<SchedulerOptionFlag>(&option.field);
    std::string key = scheduler_option
                          ? Code(std::string(scheduler_option->name)) + " in `[scheduler-options]`"
                          : Code(std::string(option.key));
    std::string flag = FlagName(option);
    md += "| " + key + " | " + (flag.empty() ? "none" : Code(flag)) + " | " + Describe(option) +
          " | " + Code(DefaultText(option)) + " | " +
          (option.on_resume == OnResume::kMayChange ? "may change" : "fixed") + " | " +
          std::string(option.help) + " |\n";
  }
  return md;
}

}  // namespace rungs::tune
