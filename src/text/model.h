// Model: a trained (or training) supervised fastText model: args, dictionary,
// input matrix (word and n-gram vectors) and output matrix (label vectors).
//
// Predict is const and safe from many threads at once, each with its own
// PredictScratch; training writes the matrices (see trainer.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/args.h"
#include "text/dictionary.h"
#include "text/loss.h"
#include "text/matrix.h"

namespace rungs::text {

struct Prediction {
  float log_prob = 0;  // natural log of the probability, as fastText ranks them
  int32_t label = 0;   // label id: dict().Label(label) is its name
};

// Per-thread buffers for Predict, reused across calls.
struct PredictScratch {
  std::vector<float> hidden;
  std::vector<float> output;
  std::vector<int32_t> rows;
  std::vector<uint32_t> hashes;
};

class Model {
 public:
  // Fails when the matrix shapes do not fit the dictionary and args.dim
  // (input rows = nwords + bucket, output rows = nlabels, cols = dim).
  static Result<Model> Create(TrainArgs args, std::shared_ptr<const Dictionary> dict,
                              Matrix input, Matrix output);

  const TrainArgs& args() const { return args_; }
  const Dictionary& dict() const { return *dict_; }
  const std::shared_ptr<const Dictionary>& shared_dict() const { return dict_; }
  const Matrix& input() const { return input_; }
  const Matrix& output() const { return output_; }
  Matrix& mutable_input() { return input_; }
  Matrix& mutable_output() { return output_; }
  const LossLayer& loss() const { return *loss_; }

  // fastText's hidden layer: the mean of the input rows (`rows` not empty).
  void ComputeHidden(std::span<const int32_t> rows, float* hidden) const;

  // fastText's predict for input rows (Dictionary::EncodeLine or an Encoded
  // example): up to k labels (k <= 0: all) whose probability is >= threshold,
  // best first, replacing `out`. Empty `rows` give no predictions.
  void Predict(std::span<const int32_t> rows, int k, float threshold,
               std::vector<Prediction>& out, PredictScratch& scratch) const;
  // The same for a line's words (as reader.h's SplitWords gives them).
  void PredictWords(std::span<const std::string_view> words, int k, float threshold,
                    std::vector<Prediction>& out, PredictScratch& scratch) const;

 private:
  Model(TrainArgs args, std::shared_ptr<const Dictionary> dict, Matrix input, Matrix output);

  TrainArgs args_;
  std::shared_ptr<const Dictionary> dict_;
  Matrix input_;
  Matrix output_;
  std::shared_ptr<const LossLayer> loss_;  // shared by copies of the model
};

}  // namespace rungs::text
