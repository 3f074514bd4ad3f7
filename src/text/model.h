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
#include "text/lazy_matrix.h"
#include "text/loss.h"
#include "text/matrix.h"
#include "text/quant_matrix.h"

namespace rungs::text {

struct Prediction {
  float log_prob = 0;  // natural log of the probability, as fastText ranks them
  int32_t label = 0;   // label id: dict().Label(label) is its name
};

// Per-thread buffers for Predict, reused across calls.
struct PredictScratch {
  std::vector<float> hidden;
  std::vector<float> row;  // an input row not present, as its source gives it
  std::vector<float> output;
  std::vector<int32_t> rows;
  std::vector<uint32_t> hashes;
};

// The quantized matrices of a quantized model (.ftz), kept to write it back:
// `input` is the source of the input LazyMatrix; `output` is set with -qout
// (the output Matrix then holds its decoded rows).
struct Quantized {
  std::shared_ptr<const QuantMatrix> input;
  std::shared_ptr<const QuantMatrix> output;
};

class Model {
 public:
  // Fails when the matrix shapes do not fit the dictionary and args.dim
  // (input rows = nwords + bucket, output rows = nlabels, cols = dim).
  static Result<Model> Create(TrainArgs args, std::shared_ptr<const Dictionary> dict,
                              LazyMatrix input, Matrix output, Quantized quantized = {});

  const TrainArgs& args() const { return args_; }
  const Dictionary& dict() const { return *dict_; }
  const std::shared_ptr<const Dictionary>& shared_dict() const { return dict_; }
  const LazyMatrix& input() const { return input_; }
  const Matrix& output() const { return output_; }
  LazyMatrix& mutable_input() { return input_; }
  Matrix& mutable_output() { return output_; }
  const LossLayer& loss() const { return *loss_; }
  // Null input unless this is a quantized model.
  const Quantized& quantized() const { return quantized_; }

  // fastText's hidden layer: the mean of the input rows (`rows` not empty).
  // Rows not present are read as their source gives them (into scratch.row)
  // and stay absent.
  void ComputeHidden(std::span<const int32_t> rows, float* hidden, PredictScratch& scratch) const;

  // fastText's predict for input rows (Dictionary::EncodeLine or an Encoded
  // example): up to k labels (k <= 0: all) whose probability is >= threshold,
  // best first, replacing `out`. Empty `rows` give no predictions.
  void Predict(std::span<const int32_t> rows, int k, float threshold,
               std::vector<Prediction>& out, PredictScratch& scratch) const;
  // The same for a line's words (as reader.h's SplitWords gives them).
  void PredictWords(std::span<const std::string_view> words, int k, float threshold,
                    std::vector<Prediction>& out, PredictScratch& scratch) const;

 private:
  Model(TrainArgs args, std::shared_ptr<const Dictionary> dict, LazyMatrix input, Matrix output,
        Quantized quantized);

  TrainArgs args_;
  std::shared_ptr<const Dictionary> dict_;
  LazyMatrix input_;
  Matrix output_;
  std::shared_ptr<const LossLayer> loss_;  // shared by copies of the model
  Quantized quantized_;
};

}  // namespace rungs::text
