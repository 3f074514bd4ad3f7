// One record of a JSON-lines file: {"label": ..., "text": "..."}.
// Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rungs::text {

struct JsonRecord {
  std::vector<std::string> labels;  // empty when the label is missing, null or []
  std::string text;
};

// Parses `line` as one JSON object. The label field may be a string, a number
// or an array of strings and numbers; the text field must be a string. Bytes
// that are not valid UTF-8 inside strings come out exactly as they went in.
// Fails with a message naming the field (without file and line, which the
// caller adds) on invalid JSON, a non-object, or a field of the wrong type.
Result<JsonRecord> ParseJsonLine(std::string_view line, const std::string& label_field,
                                 const std::string& text_field);

}  // namespace rungs::text
