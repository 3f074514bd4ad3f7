#include "text/json_line.h"

#include <nlohmann/json.hpp>

#include "text/utf8_escape.h"

namespace rungs::text {
namespace {

using nlohmann::json;

// One label value as text; numbers keep the spelling JSON gives them.
Result<std::string> LabelText(const json& value, const std::string& field) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return Fail("field '" + field + "': a label must be a string or a number, not " +
              std::string(value.type_name()));
}

}  // namespace

Result<JsonRecord> ParseJsonLine(std::string_view line, const std::string& label_field,
                                 const std::string& text_field) {
  std::string escaped;
  Utf8Escape escape = EscapeInvalidUtf8(line, escaped);
  if (escape == Utf8Escape::kAmbiguous) {
    return Fail("bytes that are not UTF-8 next to code points U+10FF80..U+10FFFF cannot be "
                "read losslessly");
  }
  json object;
  try {
    object = json::parse(escape == Utf8Escape::kEscaped ? std::string_view(escaped) : line);
  } catch (const json::parse_error& e) {
    // The parser's own wording ("syntax error while parsing value ...") follows the colon.
    std::string what = e.what();
    size_t reason = what.find(": ");
    return Fail("not valid JSON near byte " + std::to_string(e.byte) +
                (reason == std::string::npos ? "" : what.substr(reason)));
  } catch (const json::out_of_range& e) {
    // "[json.exception.out_of_range.406] number overflow parsing '1e999'".
    std::string what = e.what();
    size_t reason = what.find("] ");
    return Fail("not valid JSON: " + (reason == std::string::npos ? what : what.substr(reason + 2)));
  }
  if (!object.is_object()) {
    return Fail("expected a JSON object, found " + std::string(object.type_name()));
  }

  JsonRecord record;
  auto text = object.find(text_field);
  if (text == object.end()) return Fail("no field '" + text_field + "'");
  if (!text->is_string()) {
    return Fail("field '" + text_field + "' must be a string, not " +
                std::string(text->type_name()));
  }
  record.text = text->get<std::string>();

  auto label = object.find(label_field);
  if (label != object.end() && !label->is_null()) {
    if (label->is_array()) {
      for (const json& item : *label) {
        Result<std::string> one = LabelText(item, label_field);
        if (!one.ok()) return one.error();
        record.labels.push_back(std::move(*one));
      }
    } else {
      Result<std::string> one = LabelText(*label, label_field);
      if (!one.ok()) return one.error();
      record.labels.push_back(std::move(*one));
    }
  }

  if (escape == Utf8Escape::kEscaped) {
    UnescapeInvalidUtf8(record.text);
    for (std::string& one : record.labels) UnescapeInvalidUtf8(one);
  }
  return record;
}

}  // namespace rungs::text
