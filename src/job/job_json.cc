#include "job/job_json.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "job/envelope.h"

namespace rungs::job {
namespace {

using nlohmann::json;

// Limits from doc/job-protocol.md; generous, but they stop garbage early.
constexpr int64_t kMaxBracketOrRung = 64;
constexpr int64_t kMaxEpochs = 100000;
constexpr double kMaxLrScale = 1000;
constexpr size_t kMaxConfigSize = 4096;
constexpr size_t kMaxTextSize = 65536;
constexpr int64_t kMaxThreads = 256;
constexpr int64_t kMaxBilledMs = int64_t(1) << 53;  // exact in a JSON double
constexpr int64_t kMaxMemoryMb = 1048576;

// Reads the fields of one JSON object, turning the first problem into an
// Error that names the origin and the field. Later reads after a failure are
// no-ops, so decoders read every field and check status() once.
class FieldReader {
 public:
  // A top-level document must carry "v"; a nested object (`versioned`
  // false) is covered by its parent's version.
  FieldReader(const json& object, std::string_view origin, std::string_view what,
              bool versioned = true)
      : object_(object), origin_(origin), what_(what) {
    if (!object_.is_object()) {
      SetError("", "must be a JSON object");
      return;
    }
    if (versioned) Version();
  }

  // "v" must be this build's version; an older or newer document is named
  // as such rather than as an out-of-range number.
  void Version() {
    const json* value = Get("v");
    if (value == nullptr) return;
    if (!value->is_number_integer()) return SetError("v", "must be an integer");
    if (*value != kJobProtocolVersion) {
      SetError("v", "is protocol version " + value->dump() +
                        ", but this build reads only version " +
                        std::to_string(kJobProtocolVersion));
    }
  }

  // An integer in [lo, hi].
  int64_t Int(const char* field, int64_t lo, int64_t hi) {
    const json* value = Get(field);
    if (value == nullptr) return 0;
    if (!value->is_number_integer()) return SetError(field, "must be an integer"), 0;
    if (value->is_number_unsigned() && value->get<uint64_t>() > uint64_t(hi)) {
      return OutOfRange(field, value->dump(), lo, hi), 0;
    }
    int64_t v = value->get<int64_t>();
    if (v < lo || v > hi) return OutOfRange(field, value->dump(), lo, hi), 0;
    return v;
  }

  uint64_t Unsigned(const char* field) {
    const json* value = Get(field);
    if (value == nullptr) return 0;
    if (!value->is_number_unsigned()) {
      return SetError(field, "must be a non-negative integer (got " + value->dump() + ")"), 0;
    }
    return value->get<uint64_t>();
  }

  // A finite number in [lo, hi]; with `null_is_nan`, null reads as NaN.
  double Number(const char* field, double lo, double hi, bool null_is_nan = false) {
    const json* value = Get(field);
    if (value == nullptr) return 0;
    if (null_is_nan && value->is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!value->is_number()) return SetError(field, "must be a number"), 0;
    double v = value->get<double>();
    if (!std::isfinite(v) || v < lo || v > hi) {
      return SetError(field, "must be in [" + Show(lo) + ", " + Show(hi) + "] (got " +
                                 value->dump() + ")"),
             0;
    }
    return v;
  }

  std::string Text(const char* field, bool non_empty) {
    const json* value = Get(field);
    if (value == nullptr) return "";
    if (!value->is_string()) return SetError(field, "must be a string"), "";
    std::string text = value->get<std::string>();
    if (non_empty && text.empty()) return SetError(field, "must not be empty"), "";
    if (text.size() > kMaxTextSize) return SetError(field, "is longer than 65536 bytes"), "";
    return text;
  }

  // A non-empty string, or null (read as "").
  std::string TextOrNull(const char* field) {
    const json* value = Get(field);
    if (value == nullptr || value->is_null()) return "";
    if (!value->is_string()) return SetError(field, "must be a non-empty string or null"), "";
    return Text(field, true);
  }

  // One of `names`.
  std::string OneOf(const char* field, std::initializer_list<std::string_view> names) {
    std::string text = Text(field, true);
    if (!ok()) return "";
    std::string list;
    for (std::string_view name : names) {
      if (name == text) return text;
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    SetError(field, "must be one of " + list + " (got \"" + text + "\")");
    return "";
  }

  // The raw value of a field the caller checks itself; nullptr if missing.
  const json* Raw(const char* field) { return Get(field); }

  // Refuses any field no read asked for (a typo must not pass silently).
  Status Finish() {
    if (error_.empty() && object_.is_object()) {
      for (const auto& item : object_.items()) {
        if (std::find(read_.begin(), read_.end(), item.key()) == read_.end()) {
          SetError(item.key().c_str(), "is not a field of this document");
          break;
        }
      }
    }
    if (error_.empty()) return Status::Ok();
    return Fail(error_);
  }

  bool ok() const { return error_.empty(); }

  // Takes over the failure of a nested object's reader.
  void Adopt(const Status& status) {
    if (error_.empty() && !status.ok()) error_ = status.message();
  }

  void SetError(std::string_view field, std::string_view problem) {
    if (!error_.empty()) return;
    error_ = std::string(origin_) + ": " + std::string(what_);
    if (!field.empty()) error_ += " field '" + std::string(field) + "'";
    error_ += " " + std::string(problem);
  }

 private:
  const json* Get(const char* field) {
    if (!error_.empty()) return nullptr;
    read_.push_back(field);
    auto it = object_.find(field);
    if (it == object_.end()) {
      SetError(field, "is missing");
      return nullptr;
    }
    return &*it;
  }

  void OutOfRange(const char* field, const std::string& got, int64_t lo, int64_t hi) {
    SetError(field, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " +
                        got + ")");
  }

  static std::string Show(double v) {
    json j = v;
    return j.dump();
  }

  const json& object_;
  // Only read when an error is named: a journal replay decodes every row.
  std::string_view origin_;  // the caller's, which outlives the reader
  std::string_view what_;
  std::string error_;
  std::vector<std::string_view> read_;  // the fields asked for: string literals
};

// JSON has no NaN: an inactive parameter (NaN) is written as null.
json ConfigToJson(const space::Config& config) {
  json array = json::array();
  for (double v : config) array.push_back(std::isnan(v) ? json(nullptr) : json(v));
  return array;
}

space::Config ConfigFromJson(const json* value, FieldReader& reader) {
  space::Config config;
  if (value == nullptr) return config;
  if (!value->is_array() || value->size() > kMaxConfigSize) {
    reader.SetError("config", "must be an array of at most 4096 numbers or nulls");
    return config;
  }
  config.reserve(value->size());
  for (const json& v : *value) {
    if (v.is_null()) {
      config.push_back(std::numeric_limits<double>::quiet_NaN());
    } else if (v.is_number() && std::isfinite(v.get<double>())) {
      config.push_back(v.get<double>());
    } else {
      reader.SetError("config", "must hold only finite numbers or nulls (got " + v.dump() + ")");
      return {};
    }
  }
  return config;
}

// At most kMaxTextSize bytes of `text`, the decoder's limit, cut before a
// UTF-8 character that would not fit whole.
std::string CapText(const std::string& text) {
  if (text.size() <= kMaxTextSize) return text;
  size_t end = kMaxTextSize;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

json JobFields(const Job& job) {
  return {{"v", kJobProtocolVersion}, {"id", job.id},
          {"trial", job.trial},       {"bracket", job.bracket},
          {"rung", job.rung},         {"epochs_from", job.epochs_from},
          {"epochs_to", job.epochs_to}, {"lr_scale", job.lr_scale}};
}

// Reads the fields Job and JobEnvelope share, everything except config.
Job ReadJobFields(FieldReader& reader, const char* id_field) {
  Job job;
  job.id = reader.Unsigned(id_field);
  job.trial = uint32_t(reader.Int("trial", 0, std::numeric_limits<uint32_t>::max()));
  job.bracket = int(reader.Int("bracket", 0, kMaxBracketOrRung));
  job.rung = int(reader.Int("rung", 0, kMaxBracketOrRung));
  job.epochs_from = int(reader.Int("epochs_from", 0, kMaxEpochs - 1));
  job.epochs_to = int(reader.Int("epochs_to", 1, kMaxEpochs));
  if (reader.ok() && job.epochs_to <= job.epochs_from) {
    reader.SetError("epochs_to", "must be greater than epochs_from (got " +
                                     std::to_string(job.epochs_to) +
                                     " <= " + std::to_string(job.epochs_from) + ")");
  }
  job.lr_scale = reader.Number("lr_scale", 0, kMaxLrScale);
  if (reader.ok() && job.lr_scale <= 0) reader.SetError("lr_scale", "must be greater than 0");
  return job;
}

Status ReadData(const json& value, std::string_view origin, DataLocations& data) {
  FieldReader reader(value, origin, "job request data", /*versioned=*/false);
  data.train = reader.Text("train", true);
  data.valid = reader.TextOrNull("valid");
  data.valid_fraction = reader.Number("valid_fraction", 0, 1);
  if (reader.ok() && (data.valid_fraction <= 0 || data.valid_fraction >= 1)) {
    reader.SetError("valid_fraction", "must be strictly between 0 and 1");
  }
  data.split_seed = reader.Unsigned("split_seed");
  if (const json* read = reader.Raw("read")) {
    if (read->is_object()) {
      data.read = *read;
    } else {
      reader.SetError("read", "must be an object of reader options");
    }
  }
  return reader.Finish();
}

Status ReadTask(const json& value, std::string_view origin, TaskOptions& task) {
  FieldReader reader(value, origin, "job request task", /*versioned=*/false);
  task.metric = reader.OneOf("metric", {"accuracy", "f1", "loss"});
  task.threads = int(reader.Int("threads", 1, kMaxThreads));
  return reader.Finish();
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kDiverged: return "diverged";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kRefused: return "refused";
    case Outcome::kAbandoned: return "abandoned";
  }
  return "unknown";
}

std::optional<Outcome> OutcomeFromName(std::string_view name) {
  for (Outcome o : {Outcome::kOk, Outcome::kFailed, Outcome::kDiverged, Outcome::kTimeout,
                    Outcome::kRefused, Outcome::kAbandoned}) {
    if (OutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

std::string_view FailureName(Failure failure) {
  switch (failure) {
    case Failure::kError: return "error";
    case Failure::kCrash: return "crash";
    case Failure::kInternal: return "internal";
    case Failure::kLambdaService: return "lambda_service";
    case Failure::kLambdaFunction: return "lambda_function";
    case Failure::kLambdaResponse: return "lambda_response";
  }
  return "error";
}

std::optional<Failure> FailureFromName(std::string_view name) {
  for (Failure f : {Failure::kError, Failure::kCrash, Failure::kInternal, Failure::kLambdaService,
                    Failure::kLambdaFunction, Failure::kLambdaResponse}) {
    if (FailureName(f) == name) return f;
  }
  return std::nullopt;
}

nlohmann::json JobToJson(const Job& job) {
  json out = JobFields(job);
  out["config"] = ConfigToJson(job.config);
  return out;
}

Result<Job> JobFromJson(const nlohmann::json& json, std::string_view origin) {
  FieldReader reader(json, origin, "job");
  Job job = ReadJobFields(reader, "id");
  job.config = ConfigFromJson(reader.Raw("config"), reader);
  RUNGS_RETURN_IF_ERROR(reader.Finish());
  return job;
}

nlohmann::json ResultToJson(const JobResult& result) {
  json out = {{"v", kJobProtocolVersion},
              {"job", result.job},
              {"trial", result.trial},
              {"rung", result.rung},
              {"outcome", OutcomeName(result.outcome)},
              {"metric", std::isfinite(result.metric) ? json(result.metric) : json(nullptr)},
              {"epochs_trained", result.epochs_trained},
              {"seconds", result.seconds},
              {"error", CapText(result.error)},
              {"billed_ms", result.cost.billed_ms},
              {"memory_mb", result.cost.memory_mb}};
  if (result.outcome == Outcome::kFailed) out["failure"] = FailureName(result.failure);
  return out;
}

Result<JobResult> ResultFromJson(const nlohmann::json& json, std::string_view origin) {
  FieldReader reader(json, origin, "result");
  JobResult result;
  result.job = reader.Unsigned("job");
  result.trial = uint32_t(reader.Int("trial", 0, std::numeric_limits<uint32_t>::max()));
  result.rung = int(reader.Int("rung", 0, kMaxBracketOrRung));
  std::string outcome = reader.Text("outcome", true);
  if (reader.ok()) {
    std::optional<Outcome> parsed = OutcomeFromName(outcome);
    if (!parsed) {
      reader.SetError("outcome",
                      "must be one of ok, failed, diverged, timeout, abandoned (got \"" + outcome + "\")");
    } else {
      result.outcome = *parsed;
    }
  }
  double max = std::numeric_limits<double>::max();
  result.metric = reader.Number("metric", -max, max, /*null_is_nan=*/true);
  result.epochs_trained = int(reader.Int("epochs_trained", 0, kMaxEpochs));
  result.seconds = reader.Number("seconds", 0, max);
  result.error = reader.Text("error", false);
  result.cost.billed_ms = reader.Int("billed_ms", 0, kMaxBilledMs);
  result.cost.memory_mb = int(reader.Int("memory_mb", 0, kMaxMemoryMb));
  // Optional: results written before it count as kError.
  if (json.is_object() && json.contains("failure")) {
    std::string failure = reader.Text("failure", true);
    if (reader.ok()) {
      std::optional<Failure> parsed = FailureFromName(failure);
      if (!parsed) {
        reader.SetError("failure", "must be one of error, crash, internal, lambda_service, "
                                   "lambda_function, lambda_response (got \"" + failure + "\")");
      } else {
        result.failure = *parsed;
      }
    }
  }
  RUNGS_RETURN_IF_ERROR(reader.Finish());
  return result;
}

nlohmann::json EnvelopeToJson(const JobEnvelope& envelope) {
  json out = JobFields(envelope.job);
  out.erase("id");
  out["job"] = envelope.job.id;
  out["experiment"] = envelope.experiment;
  out["config"] = envelope.config;
  const DataLocations& data = envelope.data;
  out["data"] = {{"train", data.train},
                 {"valid", data.valid.empty() ? json(nullptr) : json(data.valid)},
                 {"valid_fraction", data.valid_fraction},
                 {"split_seed", data.split_seed},
                 {"read", data.read}};
  out["task"] = {{"metric", envelope.task.metric}, {"threads", envelope.task.threads}};
  out["checkpoint"] = envelope.checkpoint ? json(*envelope.checkpoint) : json(nullptr);
  out["seed"] = envelope.seed;
  return out;
}

Result<JobEnvelope> EnvelopeFromJson(const nlohmann::json& json, std::string_view origin) {
  FieldReader reader(json, origin, "job request");
  JobEnvelope envelope;
  envelope.experiment = reader.Text("experiment", true);
  envelope.job = ReadJobFields(reader, "job");
  if (const nlohmann::json* config = reader.Raw("config")) {
    if (!config->is_object()) {
      reader.SetError("config", "must be an object of parameter names to values");
    } else {
      envelope.config = *config;
    }
  }
  if (const nlohmann::json* data = reader.Raw("data")) {
    if (!data->is_object()) {
      reader.SetError("data", "must be an object {\"train\": ..., \"valid\": ..., ...}");
    }
    reader.Adopt(ReadData(*data, origin, envelope.data));
  }
  if (const nlohmann::json* task = reader.Raw("task")) {
    if (!task->is_object())
      reader.SetError("task", "must be an object {\"metric\": ..., \"threads\": ...}");
    reader.Adopt(ReadTask(*task, origin, envelope.task));
  }
  if (const nlohmann::json* checkpoint = reader.Raw("checkpoint")) {
    if (checkpoint->is_string() && !checkpoint->get<std::string>().empty()) {
      envelope.checkpoint = checkpoint->get<std::string>();
    } else if (!checkpoint->is_null()) {
      reader.SetError("checkpoint", "must be a non-empty string or null");
    }
  }
  if (reader.ok() && envelope.job.epochs_from > 0 && !envelope.checkpoint) {
    reader.SetError("checkpoint", "must be given when epochs_from > 0 (resuming)");
  }
  envelope.seed = reader.Unsigned("seed");
  RUNGS_RETURN_IF_ERROR(reader.Finish());
  return envelope;
}

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view origin) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte where the parser gave up.
    return Fail(std::string(origin) + ": not valid JSON at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    // The only range error of parsing: a number beyond a double, such as 1e999.
    return Fail(std::string(origin) + ": not valid JSON: a number is too large for a double");
  }
}

}  // namespace rungs::job
