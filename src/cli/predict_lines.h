// What `predict` and `predict-prob` share: every line (or CSV row, JSON
// line) of a file in, one line of predicted labels out, as `fasttext predict`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "base/status.h"
#include "cli/reader_flags.h"

namespace rungs::cli {

struct PredictFlags {
  std::string model;
  std::string file;
  int k = 1;
  float threshold = 0;
  ReaderFlags reader;
};

// Adds MODEL FILE [k] [threshold] and the reader flags.
void AddPredictFlags(CLI::App& app, PredictFlags& flags);

// Prints, for each example of the file in order, its best k labels with a
// probability >= threshold ("__label__a __label__b", or with probabilities
// "__label__a 0.9 __label__b 0.05"); an empty line when none qualifies.
// k < 1 means every label. Fails naming the model or file.
Status PredictLines(const PredictFlags& flags, bool with_probabilities);

}  // namespace rungs::cli
