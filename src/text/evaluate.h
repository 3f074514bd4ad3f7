// Evaluation as `fasttext test` and `fasttext test-label` compute it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "text/corpus.h"
#include "text/model.h"

namespace rungs::text {

struct LabelStats {
  std::string label;          // entry name, with prefix
  int64_t gold = 0;           // examples carrying the label
  int64_t predicted = 0;      // times it was among the predictions
  int64_t predicted_gold = 0; // ... and correct

  // NaN when undefined (nothing predicted / no gold), as fastText prints "--------".
  double Precision() const;
  double Recall() const;
  double F1() const;
  // What fastText 0.9.2's test-label prints as F1: it never counts per-label
  // gold there, so its F1 is 2*predicted_gold/predicted and its recall NaN.
  double FastTextF1() const;
};

struct EvalResult {
  int k = 1;
  float threshold = 0;
  int64_t examples = 0;        // N: examples with a known label and some input
  int64_t gold = 0;            // known labels over those examples
  int64_t predicted = 0;
  int64_t predicted_gold = 0;
  std::vector<LabelStats> labels;  // by label id

  double PrecisionAtK() const;  // P@k (NaN with no predictions)
  double RecallAtK() const;     // R@k (NaN with no gold)
};

// Predicts the top k (threshold) for every example of `data` (encoded with
// model's dictionary) and counts like fastText's Meter. Fails when k < 1 or
// data was encoded with another dictionary. Uses one thread.
Result<EvalResult> Evaluate(const Model& model, const Encoded& data, int k, float threshold);

}  // namespace rungs::text
