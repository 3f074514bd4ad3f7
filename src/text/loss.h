// LossLayer: fastText's output layer for each loss (softmax, ns, hs, ova):
// the forward/backward step of training and the top-k search of predict,
// with fastText's sigmoid and log lookup tables.
//
// Immutable after Create; Forward writes only the matrix and buffers it is
// given, so one LossLayer serves any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "text/args.h"
#include "text/matrix.h"

namespace rungs::text {

struct Prediction;

class LossLayer {
 public:
  // `label_counts` in label-id order (the dictionary's, most frequent first).
  LossLayer(Loss kind, const std::vector<int64_t>& label_counts, int neg);

  Loss kind() const { return kind_; }

  // Heap bytes a LossLayer of this kind for `nlabels` labels holds (the ns
  // negative table, the hs tree), for memory estimates; within a few
  // percent for hs, exact otherwise.
  static int64_t EstimateBytes(Loss kind, int32_t nlabels);

  // One SGD step on the output matrix `wo` for the example's labels
  // (`target` indexes them; ova uses all): adds this step's gradient wrt the
  // hidden vector to `grad` and updates `wo`. Returns the example's loss, or
  // NaN when a score was not finite (divergence). `output` has nlabels floats.
  float Forward(std::span<const int32_t> labels, int32_t target, const float* hidden,
                float* grad, float* output, Matrix& wo, float lr, std::minstd_rand& rng) const;

  // fastText's predict: up to k best labels with probability >= threshold,
  // best first, into `heap` (cleared first).
  void Predict(int k, float threshold, const float* hidden, float* output, const Matrix& wo,
               std::vector<Prediction>& heap) const;

 private:
  float Sigmoid(float x) const;
  float Log(float x) const;
  float BinaryLogistic(int32_t row, bool positive, const float* hidden, float* grad, Matrix& wo,
                       float lr) const;
  void SoftmaxScores(const float* hidden, float* output, const Matrix& wo) const;
  void BuildTree(const std::vector<int64_t>& counts);
  void Dfs(int k, float threshold, int32_t node, float score, const float* hidden,
           const Matrix& wo, std::vector<Prediction>& heap) const;

  static constexpr int kSigmoidTable = 512;
  static constexpr int kMaxSigmoid = 8;
  static constexpr int kLogTable = 512;

  Loss kind_;
  int neg_;
  int32_t nlabels_;
  std::array<float, kSigmoidTable + 1> sigmoid_;
  std::array<float, kLogTable + 1> log_;
  std::vector<int32_t> negatives_;  // ns: labels in proportion to count^0.5
  // hs: Huffman tree over label counts; leaves are labels 0..n-1, inner
  // nodes n..2n-2 use output row node - n. Path of label i (inner rows and
  // branch bits, leaf to root) is path_rows_/path_bits_[path_begin_[i]..[i+1]).
  struct Node {
    int32_t parent = -1, left = -1, right = -1;
    int64_t count = 0;
    bool binary = false;
  };
  std::vector<Node> tree_;
  std::vector<int32_t> path_begin_;
  std::vector<int32_t> path_rows_;
  std::vector<uint8_t> path_bits_;
};

}  // namespace rungs::text
