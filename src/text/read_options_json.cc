#include "text/read_options_json.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rungs::text {
namespace {

using nlohmann::json;

Status FieldError(const std::string& field, std::string_view problem) {
  return Fail("data.read field '" + field + "' " + std::string(problem));
}

Status ReadName(const std::string& field, const json& value, std::string& out) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    return FieldError(field, "must be a non-empty string (got " + value.dump() + ")");
  }
  out = value.get<std::string>();
  return Status::Ok();
}

Status ReadField(const std::string& field, const json& value, ReadOptions& options) {
  if (field == "format") {
    std::string name;
    RUNGS_RETURN_IF_ERROR(ReadName(field, value, name));
    Result<Format> format = ParseFormat(name);
    if (!format.ok()) return FieldError(field, format.message());
    options.format = *format;
  } else if (field == "label_prefix") {
    return ReadName(field, value, options.label_prefix);
  } else if (field == "csv_label_column") {
    return ReadName(field, value, options.csv_label_column);
  } else if (field == "csv_text_columns") {
    if (!value.is_array() || value.empty()) {
      return FieldError(field, "must be a non-empty array of column names or indices");
    }
    options.csv_text_columns.clear();
    for (const json& column : value) {
      RUNGS_RETURN_IF_ERROR(ReadName(field, column, options.csv_text_columns.emplace_back()));
    }
  } else if (field == "csv_has_header") {
    if (!value.is_boolean()) return FieldError(field, "must be true or false");
    options.csv_has_header = value.get<bool>();
  } else if (field == "json_label_field") {
    return ReadName(field, value, options.json_label_field);
  } else if (field == "json_text_field") {
    return ReadName(field, value, options.json_text_field);
  } else {
    return FieldError(field,
                      "is not a reader option (known: format, label_prefix, csv_label_column, "
                      "csv_text_columns, csv_has_header, json_label_field, json_text_field)");
  }
  return Status::Ok();
}

}  // namespace

nlohmann::json ReadOptionsToJson(const ReadOptions& options) {
  return {{"format", FormatName(options.format)},
          {"label_prefix", options.label_prefix},
          {"csv_label_column", options.csv_label_column},
          {"csv_text_columns", options.csv_text_columns},
          {"csv_has_header", options.csv_has_header},
          {"json_label_field", options.json_label_field},
          {"json_text_field", options.json_text_field}};
}

Result<ReadOptions> ReadOptionsFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Fail("data.read must be an object of reader options");
  ReadOptions options;
  for (const auto& [field, value] : json.items()) {
    RUNGS_RETURN_IF_ERROR(ReadField(field, value, options));
  }
  return options;
}

}  // namespace rungs::text
