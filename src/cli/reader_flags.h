// The flags that say how to read a data file (--format, --label-column,
// --text-column, --no-header, --normalize, -label), shared by train, test,
// test-label, predict and predict-prob so they mean the same everywhere.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "text/reader.h"

namespace rungs::cli {

struct ReaderFlags {
  std::string format = "auto";
  std::string label_column = "label";
  std::vector<std::string> text_columns;  // empty: {"text"}
  bool no_header = false;
  bool normalize = false;
  std::string label_prefix = "__label__";

  // The reader options these flags mean for reading `path` (the format
  // resolved from its extension when --format is auto); fails naming the flag.
  Result<text::ReadOptions> ToReadOptions(const std::string& path) const;
};

// Adds the flags to `app`, storing into `flags` (which must outlive parsing).
// -label only where the data decides it (train); test and predict take the
// prefix stored in the model, as fastText does.
void AddReaderFlags(CLI::App& app, ReaderFlags& flags, bool with_label_prefix);

}  // namespace rungs::cli
