// The flags that say how to read a data file (--format, --label-column,
// --text-column, --no-header, --normalize, -label), shared by train, test,
// test-label, predict, predict-prob and normalize so they mean the same
// everywhere.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "text/fasttext_bin.h"
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

  // The same for reading `path` with a model loaded from `model_path`: the
  // model's label prefix, and the preprocessing it records. --normalize is
  // refused for a model that records none; for a model without a record
  // (fastText's own, older rungs'), it is taken as given.
  Result<text::ReadOptions> ToReadOptionsFor(const text::ModelFile& model,
                                             const std::string& model_path,
                                             const std::string& path) const;
};

// Which commands read data, and so which flags they take.
enum class ReaderUse {
  kTrain,   // all: -label because the data decides it, --normalize to record it
  kModel,   // test and predict: no -label (the model's, as in fastText)
  kFilter,  // normalize: -label to find labels, no --normalize (it always does)
};

// Adds the flags `use` takes to `app`, storing into `flags` (which must
// outlive parsing).
void AddReaderFlags(CLI::App& app, ReaderFlags& flags, ReaderUse use);

}  // namespace rungs::cli
