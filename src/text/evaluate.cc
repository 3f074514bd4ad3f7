#include "text/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rungs::text {
namespace {

double Ratio(int64_t num, int64_t den) {
  return den == 0 ? std::numeric_limits<double>::quiet_NaN()
                  : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

double LabelStats::Precision() const { return Ratio(predicted_gold, predicted); }
double LabelStats::Recall() const { return Ratio(predicted_gold, gold); }
double LabelStats::F1() const { return Ratio(2 * predicted_gold, predicted + gold); }
double LabelStats::FastTextF1() const { return Ratio(2 * predicted_gold, predicted); }

double EvalResult::PrecisionAtK() const { return Ratio(predicted_gold, predicted); }
double EvalResult::RecallAtK() const { return Ratio(predicted_gold, gold); }

Result<EvalResult> Evaluate(const Model& model, const Encoded& data, int k, float threshold) {
  if (k < 1) return Fail("k must be >= 1, got " + std::to_string(k));
  if (data.dict != model.shared_dict()) {
    return Fail("evaluation data was encoded with another dictionary than the model's");
  }
  const Dictionary& dict = model.dict();
  EvalResult result;
  result.k = k;
  result.threshold = threshold;
  result.labels.resize(dict.nlabels());
  for (int32_t i = 0; i < dict.nlabels(); ++i) result.labels[i].label = dict.Label(i);
  PredictScratch scratch;
  std::vector<Prediction> predictions;
  for (int64_t i = 0; i < data.size(); ++i) {
    const auto labels = data.Labels(i);
    const auto inputs = data.Inputs(i);
    // fastText's test skips lines without a known label or without input.
    if (labels.empty() || inputs.empty()) continue;
    model.Predict(inputs, k, threshold, predictions, scratch);
    ++result.examples;
    result.gold += static_cast<int64_t>(labels.size());
    result.predicted += static_cast<int64_t>(predictions.size());
    for (const Prediction& p : predictions) {
      LabelStats& stats = result.labels[p.label];
      ++stats.predicted;
      if (std::find(labels.begin(), labels.end(), p.label) != labels.end()) {
        ++stats.predicted_gold;
        ++result.predicted_gold;
      }
    }
    for (int32_t label : labels) ++result.labels[label].gold;
  }
  return result;
}

}  // namespace rungs::text
