// Reader options (text::ReadOptions) as the job request's `data.read`
// object, so the driver states how its files are read and every worker reads
// them the same way.
//
//   {"format": "csv", "csv_label_column": "y", "csv_text_columns": ["title", "body"]}
//
// Every field is optional and defaults as text::ReadOptions does. The names
// are ReadOptions' own: format ("auto", "fasttext", "csv", "jsonl"),
// label_prefix, csv_label_column, csv_text_columns, csv_has_header,
// json_label_field, json_text_field. `normalize` is not among them: the
// configuration decides it per trial. Pure functions.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "text/reader.h"

namespace rungs::text {

// Every field, so the receiver depends on no defaults.
nlohmann::json ReadOptionsToJson(const ReadOptions& options);

// Fails naming the field when one is unknown, mistyped or empty.
Result<ReadOptions> ReadOptionsFromJson(const nlohmann::json& json);

}  // namespace rungs::text
