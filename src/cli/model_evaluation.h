// What `test` and `test-label` share: a model and a labelled file in, the
// counts fastText's test prints out.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "base/status.h"
#include "cli/reader_flags.h"
#include "text/evaluate.h"

namespace rungs::cli {

struct EvaluationFlags {
  std::string model;
  std::string file;
  int k = 1;
  float threshold = 0;
  bool json = false;
  ReaderFlags reader;
};

// Adds MODEL FILE [k] [threshold], --json and the reader flags.
void AddEvaluationFlags(CLI::App& app, EvaluationFlags& flags);

// Loads the model and the file (reporting its unlabelled lines on stderr)
// and evaluates. Fails naming the model or data file and what is wrong.
Result<text::EvalResult> EvaluateFile(const EvaluationFlags& flags);

// P@k/R@k as fastText prints them: three significant digits.
std::string FormatGeneralMetrics(const text::EvalResult& result);

}  // namespace rungs::cli
