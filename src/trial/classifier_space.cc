#include "trial/classifier_space.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <nlohmann/json.hpp>

namespace rungs::trial {
namespace {

// Ranges chosen to work from a few thousand to millions of documents: dim is
// on a log scale so small models are tried as often as large ones; bucket
// takes a few values so that trials share encoded corpora (an encoding is
// cached per dictionary setting, and building one costs about an epoch).
constexpr std::string_view kDefaultSpace = R"(# rungs: default search space for the built-in classifier
constraints = ["maxn >= minn"]

[params.lr]
type = "float"
min = 0.05
max = 2.0
scale = "log"

[params.dim]
type = "int"
min = 16
max = 256
scale = "log"

[params.wordNgrams]
type = "int"
min = 1
max = 3

[params.bucket]
type = "choice"
choices = [200000, 500000, 1000000, 2000000]

[params.charNgrams]
type = "choice"
choices = [false, true]

[params.minn]
type = "int"
min = 2
max = 4
when = { param = "charNgrams", value = true }

[params.maxn]
type = "int"
min = 3
max = 6
when = { param = "charNgrams", value = true }

[params.minCount]
type = "int"
min = 1
max = 5

[params.loss]
type = "choice"
choices = ["softmax", "ns", "hs", "ova"]

[params.neg]
type = "int"
min = 2
max = 20
when = { param = "loss", value = "ns" }

[params.lrUpdateRate]
type = "int"
min = 50
max = 500
scale = "log"

[params.normalize]
type = "choice"
choices = [false, true]

# Tried first, in this order, before any random or evolved trial: common
# advice for fastText text classification (a high learning rate; bigrams or
# not; one-vs-all, softmax or hierarchical softmax). Known-good settings fill
# the first rungs quickly, so promotions, and evolution, start early. The
# first two normalize the text as fastText's tutorial does (lowercase,
# punctuation split off), the second with the tutorial's own settings:
# normalized words carry over best to later documents (20 Newsgroups' test
# split is later posts; bench/RESULTS.md).
[[start]]
lr = 0.5
dim = 100
wordNgrams = 1
bucket = 2000000
charNgrams = false
minCount = 1
loss = "ova"
lrUpdateRate = 100
normalize = true

[[start]]
lr = 1.0
dim = 100
wordNgrams = 2
bucket = 2000000
charNgrams = false
minCount = 1
loss = "ova"
lrUpdateRate = 100
normalize = true

[[start]]
lr = 0.5
dim = 50
wordNgrams = 1
bucket = 2000000
charNgrams = false
minCount = 1
loss = "softmax"
lrUpdateRate = 100
normalize = false

[[start]]
lr = 1.0
dim = 50
wordNgrams = 2
bucket = 200000
charNgrams = false
minCount = 1
loss = "hs"
lrUpdateRate = 100
normalize = false
)";

using Setter = std::function<Status(const nlohmann::json&, ClassifierSettings&)>;

Result<int> AsInt(const nlohmann::json& v, std::string_view name) {
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_number() && std::floor(v.get<double>()) == v.get<double>()) {
    return static_cast<int>(v.get<double>());
  }
  return Fail("parameter '" + std::string(name) + "' must be an integer, got " + v.dump());
}

Setter IntField(std::string name, int text::TrainArgs::*field) {
  return [name, field](const nlohmann::json& v, ClassifierSettings& s) -> Status {
    Result<int> n = AsInt(v, name);
    if (!n.ok()) return n.error();
    s.args.*field = *n;
    return Status::Ok();
  };
}

Setter DictIntField(std::string name, int text::DictArgs::*field) {
  return [name, field](const nlohmann::json& v, ClassifierSettings& s) -> Status {
    Result<int> n = AsInt(v, name);
    if (!n.ok()) return n.error();
    s.args.dict.*field = *n;
    return Status::Ok();
  };
}

Setter BoolField(std::string name, std::function<void(bool, ClassifierSettings&)> set) {
  return [name, set](const nlohmann::json& v, ClassifierSettings& s) -> Status {
    if (!v.is_boolean()) return Fail("parameter '" + name + "' must be true or false, got " + v.dump());
    set(v.get<bool>(), s);
    return Status::Ok();
  };
}

const std::unordered_map<std::string, Setter>& Setters() {
  static const auto* setters = new std::unordered_map<std::string, Setter>{
      {"lr",
       [](const nlohmann::json& v, ClassifierSettings& s) -> Status {
         if (!v.is_number()) return Fail("parameter 'lr' must be a number, got " + v.dump());
         s.args.lr = v.get<double>();
         return Status::Ok();
       }},
      {"dim", IntField("dim", &text::TrainArgs::dim)},
      {"ws", IntField("ws", &text::TrainArgs::ws)},
      {"neg", IntField("neg", &text::TrainArgs::neg)},
      {"lrUpdateRate", IntField("lrUpdateRate", &text::TrainArgs::lr_update_rate)},
      {"wordNgrams", DictIntField("wordNgrams", &text::DictArgs::word_ngrams)},
      {"bucket", DictIntField("bucket", &text::DictArgs::bucket)},
      {"minn", DictIntField("minn", &text::DictArgs::minn)},
      {"maxn", DictIntField("maxn", &text::DictArgs::maxn)},
      {"minCount", DictIntField("minCount", &text::DictArgs::min_count)},
      {"minCountLabel", DictIntField("minCountLabel", &text::DictArgs::min_count_label)},
      {"loss",
       [](const nlohmann::json& v, ClassifierSettings& s) -> Status {
         if (!v.is_string()) return Fail("parameter 'loss' must be a string, got " + v.dump());
         Result<text::Loss> loss = text::ParseLoss(v.get<std::string>());
         if (!loss.ok()) return Fail("parameter 'loss': " + loss.message());
         s.args.loss = *loss;
         return Status::Ok();
       }},
      {"charNgrams", BoolField("charNgrams", [](bool on, ClassifierSettings& s) {
         if (!on) s.args.dict.minn = s.args.dict.maxn = 0;
       })},
      {"normalize", BoolField("normalize", [](bool on, ClassifierSettings& s) { s.normalize = on; })},
  };
  return *setters;
}

}  // namespace

std::string_view DefaultClassifierSpaceToml() { return kDefaultSpace; }

namespace {

// The values of parameter `i` in the Config's terms that the search may try
// and that are most likely to be refused: the bounds, each choice.
std::vector<double> ValuesToProbe(const space::Param& param) {
  switch (param.kind) {
    case space::Kind::kFloat:
    case space::Kind::kInt: return {param.min, param.max};
    case space::Kind::kCategorical: {
      std::vector<double> indices(param.choices.size());
      for (size_t c = 0; c < indices.size(); ++c) indices[c] = static_cast<double>(c);
      return indices;
    }
    case space::Kind::kFixed: return {};  // every drawn configuration holds it
  }
  return {};
}

// OK unless every configuration of `probes` that stays in the space with
// parameter `i` set to `value` is refused; then the first refusal.
Status CheckValue(const space::Space& space, size_t i, std::optional<double> value,
                  const std::vector<space::Config>& probes) {
  std::optional<std::string> refusal;
  for (space::Config config : probes) {
    if (std::isnan(config[i])) continue;  // inactive here
    if (value) config[i] = *value;
    if (!space.Contains(config)) continue;
    Result<ClassifierSettings> settings = SettingsFor(space, config, text::TrainArgs{});
    if (settings.ok()) return Status::Ok();
    if (!refusal) {
      refusal = "search space parameter '" + space.name(i) + "' = " +
                space.ToJson(config)[space.name(i)].dump() +
                " is refused by the classifier: " + settings.message();
    }
  }
  return refusal ? Fail(*refusal) : Status::Ok();
}

}  // namespace

Status CheckClassifierSpace(const space::Space& space) {
  for (size_t i = 0; i < space.size(); ++i) {
    if (Setters().count(space.name(i))) continue;
    return Fail("search space parameter '" + space.name(i) +
                "' is not a hyperparameter of the classifier (known: lr, dim, ws, neg, "
                "lrUpdateRate, wordNgrams, bucket, minn, maxn, minCount, minCountLabel, loss, "
                "charNgrams, normalize)");
  }
  std::mt19937_64 rng(0);
  std::vector<space::Config> probes;
  for (int n = 0; n < 16; ++n) probes.push_back(space.Sample(rng));
  for (size_t i = 0; i < space.size(); ++i) {
    const space::Param& param = space.param(i);
    if (param.kind == space::Kind::kFixed) {
      RUNGS_RETURN_IF_ERROR(CheckValue(space, i, std::nullopt, probes));
    }
    for (double value : ValuesToProbe(param)) {
      RUNGS_RETURN_IF_ERROR(CheckValue(space, i, value, probes));
    }
  }
  return Status::Ok();
}

namespace {

// The lowest or highest number parameter `name` of `space` can take; nullopt
// when the space has no such parameter (then every configuration has the
// value it is widened from).
std::optional<int> Extreme(const space::Space& space, std::string_view name, bool highest) {
  const std::optional<size_t> index = space.IndexOf(name);
  if (!index) return std::nullopt;
  const space::Param& param = space.param(*index);
  std::vector<double> values;
  switch (param.kind) {
    case space::Kind::kFloat:
    case space::Kind::kInt: values = {param.min, param.max}; break;
    case space::Kind::kCategorical:
      for (const space::Value& choice : param.choices) {
        if (std::optional<double> v = space::AsNumber(choice)) values.push_back(*v);
      }
      break;
    case space::Kind::kFixed:
      if (std::optional<double> v = space::AsNumber(param.value)) values.push_back(*v);
      break;
  }
  if (values.empty()) return std::nullopt;
  const double extreme = highest ? *std::max_element(values.begin(), values.end())
                                 : *std::min_element(values.begin(), values.end());
  return static_cast<int>(highest ? std::ceil(extreme) : std::floor(extreme));
}

void Widen(int& value, const space::Space& space, std::string_view name, bool up) {
  if (std::optional<int> extreme = Extreme(space, name, up)) {
    value = up ? std::max(value, *extreme) : std::min(value, *extreme);
  }
}

}  // namespace

int SmallestDim(const space::Space& space, const text::TrainArgs& base) {
  std::optional<int> lowest = Extreme(space, "dim", /*highest=*/false);
  if (!lowest) return base.dim;  // no dim, or no number: CheckClassifierSpace refuses it
  // Where it may be inactive, base.dim holds.
  if (!space.param(*space.IndexOf("dim")).when.empty()) lowest = std::min(*lowest, base.dim);
  return std::max(1, *lowest);
}

text::DictArgs WidestDict(const space::Space& space, const text::DictArgs& dict) {
  text::DictArgs widest = dict;
  Widen(widest.word_ngrams, space, "wordNgrams", true);
  Widen(widest.min_count, space, "minCount", false);
  Widen(widest.min_count_label, space, "minCountLabel", false);
  if (dict.maxn > 0) {
    Widen(widest.minn, space, "minn", false);
    Widen(widest.maxn, space, "maxn", true);
  }
  return widest;
}

Result<ClassifierSettings> SettingsFor(const space::Space& space, const space::Config& config,
                                       const text::TrainArgs& base) {
  ClassifierSettings settings{base, false};
  nlohmann::json values = space.ToJson(config);
  // charNgrams last: switching n-grams off must win over minn/maxn values.
  for (bool last : {false, true}) {
    for (const auto& [name, value] : values.items()) {
      if ((name == "charNgrams") != last) continue;
      auto setter = Setters().find(name);
      if (setter == Setters().end()) return Fail("unknown classifier parameter '" + name + "'");
      RUNGS_RETURN_IF_ERROR(setter->second(value, settings));
    }
  }
  RUNGS_RETURN_IF_ERROR(settings.args.Validate());
  return settings;
}

}  // namespace rungs::trial
