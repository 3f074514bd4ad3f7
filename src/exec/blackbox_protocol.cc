#include "exec/blackbox_protocol.h"

#include <cmath>

namespace rungs::exec {
namespace {

using nlohmann::json;

Error FieldError(std::string_view field, const std::string& problem) {
  return Fail("field '" + std::string(field) + "' " + problem);
}

// The numbers of array field `field`, `count` of them; finite, and also >= 0
// when `non_negative`.
Result<std::vector<double>> Numbers(const json& object, std::string_view field, size_t count,
                                    bool non_negative) {
  auto it = object.find(field);
  if (it == object.end()) return FieldError(field, "is missing");
  if (!it->is_array()) return FieldError(field, "must be an array, got " + it->dump());
  if (it->size() != count) {
    return FieldError(field, "must have " + std::to_string(count) +
                                 " numbers (one per asked epoch), got " +
                                 std::to_string(it->size()));
  }
  std::vector<double> numbers;
  numbers.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const json& value = (*it)[i];
    std::string where = std::string(field) + "'[" + std::to_string(i);
    if (!value.is_number() || !std::isfinite(value.get<double>())) {
      return Fail("field '" + where + "] must be a finite number, got " + value.dump());
    }
    double number = value.get<double>();
    if (non_negative && number < 0) {
      return Fail("field '" + where + "] must not be negative, got " + value.dump());
    }
    numbers.push_back(number);
  }
  return numbers;
}

}  // namespace

std::string QuoteBlackboxLine(std::string_view line) {
  constexpr size_t kMax = 120;
  return "'" + std::string(line.substr(0, kMax)) + (line.size() > kMax ? "...'" : "'");
}

std::string BlackboxRequestLine(uint64_t id, const BlackboxQuery& query) {
  json request = {{"v", kBlackboxProtocolVersion},
                  {"id", id},
                  {"config", query.config},
                  {"epochs", query.epochs}};
  return request.dump();
}

Result<BlackboxAnswer> ParseBlackboxAnswer(std::string_view line, uint64_t id, size_t epochs) {
  json answer = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return Fail("not JSON: " + QuoteBlackboxLine(line));
  if (!answer.is_object()) return Fail("not a JSON object: " + QuoteBlackboxLine(line));

  auto version = answer.find("v");
  if (version == answer.end()) return FieldError("v", "is missing");
  if (!version->is_number_integer() || version->get<int64_t>() != kBlackboxProtocolVersion) {
    return FieldError("v", "is protocol version " + version->dump() +
                               ", but this build speaks only version " +
                               std::to_string(kBlackboxProtocolVersion));
  }
  auto got_id = answer.find("id");
  if (got_id == answer.end()) return FieldError("id", "is missing");
  if (!got_id->is_number_unsigned() || got_id->get<uint64_t>() != id) {
    return FieldError("id", "is " + got_id->dump() + ", expected " + std::to_string(id) +
                                " (answers come one per request, in request order)");
  }
  if (auto error = answer.find("error"); error != answer.end()) {
    return Fail("refused request " + std::to_string(id) + ": " +
                (error->is_string() ? error->get<std::string>() : error->dump()));
  }
  for (const auto& [key, value] : answer.items()) {
    if (key != "v" && key != "id" && key != "metrics" && key != "seconds") {
      return Fail("field '" + key + "' is not a field of a blackbox answer");
    }
  }
  Result<std::vector<double>> metrics = Numbers(answer, "metrics", epochs, false);
  if (!metrics.ok()) return metrics.error();
  Result<std::vector<double>> seconds = Numbers(answer, "seconds", epochs, true);
  if (!seconds.ok()) return seconds.error();
  return BlackboxAnswer{std::move(*metrics), std::move(*seconds)};
}

}  // namespace rungs::exec
