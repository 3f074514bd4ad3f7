#include "text/loss.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "text/model.h"
#include "text/vec_ops.h"

namespace rungs::text {
namespace {

// fastText ranks by log(p + 1e-5), computed in double and stored as float.
float StdLog(float x) { return static_cast<float>(std::log(static_cast<double>(x) + 1e-5)); }

// fastText's heap order: the front holds the worst of the kept predictions.
bool Better(const Prediction& a, const Prediction& b) { return a.log_prob > b.log_prob; }

// A table of this many entries samples label proportions to 1e-5 or better
// for up to 10,000 labels, at a fraction of fastText's 10M entries.
int64_t NegativeTableSize(int32_t nlabels) {
  return std::clamp<int64_t>(int64_t{nlabels} * 10000, 100000, 10000000);
}

}  // namespace

LossLayer::LossLayer(Loss kind, const std::vector<int64_t>& label_counts, int neg)
    : kind_(kind), neg_(neg), nlabels_(static_cast<int32_t>(label_counts.size())) {
  for (int i = 0; i <= kSigmoidTable; ++i) {
    float x = static_cast<float>(i * 2 * kMaxSigmoid) / kSigmoidTable - kMaxSigmoid;
    sigmoid_[i] = static_cast<float>(1.0 / (1.0 + std::exp(-x)));
  }
  for (int i = 0; i <= kLogTable; ++i) {
    float x = static_cast<float>((static_cast<float>(i) + 1e-5) / kLogTable);
    log_[i] = static_cast<float>(std::log(x));
  }
  if (kind_ == Loss::kNs) {
    double z = 0;
    for (int64_t c : label_counts) z += std::sqrt(static_cast<double>(c));
    const double size = static_cast<double>(NegativeTableSize(nlabels_));
    negatives_.reserve(static_cast<size_t>(NegativeTableSize(nlabels_) + nlabels_));
    for (int32_t i = 0; i < nlabels_; ++i) {
      double share = std::sqrt(static_cast<double>(label_counts[i])) * size / z;
      for (int64_t j = 0; j < share; ++j) negatives_.push_back(i);
    }
  }
  if (kind_ == Loss::kHs) BuildTree(label_counts);
}

int64_t LossLayer::EstimateBytes(Loss kind, int32_t nlabels) {
  const int64_t n = nlabels;
  switch (kind) {
    case Loss::kNs: return (NegativeTableSize(nlabels) + n) * int64_t{sizeof(int32_t)};
    case Loss::kHs: {
      // Tree nodes, and each label's path to the root: about log2(n) + 1
      // nodes in a Huffman tree of similar counts.
      const int64_t depth = std::bit_width(static_cast<uint64_t>(std::max<int64_t>(n, 1))) + 1;
      return std::max<int64_t>(0, 2 * n - 1) * int64_t{sizeof(Node)} +
             (n + 1) * int64_t{sizeof(int32_t)} + n * depth * int64_t{sizeof(int32_t) + 1};
    }
    case Loss::kSoftmax:
    case Loss::kOva: return 0;
  }
  return 0;
}

float LossLayer::Sigmoid(float x) const {
  if (std::isnan(x)) return x;  // from a damaged model's weights; no table index
  if (x < -kMaxSigmoid) return 0.0f;
  if (x > kMaxSigmoid) return 1.0f;
  return sigmoid_[static_cast<int64_t>((x + kMaxSigmoid) * kSigmoidTable / kMaxSigmoid / 2)];
}

float LossLayer::Log(float x) const {
  if (std::isnan(x)) return x;
  if (x > 1.0f) return 0.0f;
  return log_[static_cast<int64_t>(x * kLogTable)];
}

float LossLayer::BinaryLogistic(int32_t row, bool positive, const float* hidden, float* grad,
                                Matrix& wo, float lr) const {
  const int64_t dim = wo.cols();
  float* w = wo.Row(row);
  const float dot = Dot(w, hidden, dim);
  if (!std::isfinite(dot)) return NAN;
  const float score = Sigmoid(dot);
  const float alpha = lr * (static_cast<float>(positive) - score);
  AddScaledTo(grad, w, alpha, dim);
  AddScaledTo(w, hidden, alpha, dim);
  return positive ? -Log(score) : -Log(1.0f - score);
}

void LossLayer::SoftmaxScores(const float* hidden, float* output, const Matrix& wo) const {
  const int64_t dim = wo.cols();
  for (int32_t i = 0; i < nlabels_; ++i) output[i] = Dot(wo.Row(i), hidden, dim);
  float max = output[0];
  for (int32_t i = 0; i < nlabels_; ++i) max = std::max(output[i], max);
  float z = 0.0f;
  for (int32_t i = 0; i < nlabels_; ++i) {
    // fastText's exp here is the double one.
    output[i] = static_cast<float>(std::exp(static_cast<double>(output[i] - max)));
    z += output[i];
  }
  for (int32_t i = 0; i < nlabels_; ++i) output[i] /= z;
}

float LossLayer::Forward(std::span<const int32_t> labels, int32_t target, const float* hidden,
                         float* grad, float* output, Matrix& wo, float lr,
                         std::minstd_rand& rng) const {
  const int64_t dim = wo.cols();
  switch (kind_) {
    case Loss::kSoftmax: {
      SoftmaxScores(hidden, output, wo);
      const int32_t gold = labels[target];
      if (!std::isfinite(output[gold])) return NAN;
      for (int32_t i = 0; i < nlabels_; ++i) {
        const float label = i == gold ? 1.0f : 0.0f;
        const float alpha = lr * (label - output[i]);
        float* w = wo.Row(i);
        AddScaledTo(grad, w, alpha, dim);
        AddScaledTo(w, hidden, alpha, dim);
      }
      return -Log(output[gold]);
    }
    case Loss::kNs: {
      const int32_t gold = labels[target];
      float loss = BinaryLogistic(gold, true, hidden, grad, wo, lr);
      std::uniform_int_distribution<size_t> pick(0, negatives_.size() - 1);
      for (int n = 0; n < neg_; ++n) {
        int32_t negative;
        do {
          negative = negatives_[pick(rng)];
        } while (negative == gold && nlabels_ > 1);
        if (negative == gold) break;  // a single label has no negatives
        loss += BinaryLogistic(negative, false, hidden, grad, wo, lr);
      }
      return loss;
    }
    case Loss::kHs: {
      const int32_t gold = labels[target];
      float loss = 0.0f;
      for (int32_t p = path_begin_[gold]; p < path_begin_[gold + 1]; ++p) {
        loss += BinaryLogistic(path_rows_[p], path_bits_[p] != 0, hidden, grad, wo, lr);
      }
      return loss;
    }
    case Loss::kOva: {
      float loss = 0.0f;
      for (int32_t i = 0; i < nlabels_; ++i) {
        const bool match = std::find(labels.begin(), labels.end(), i) != labels.end();
        loss += BinaryLogistic(i, match, hidden, grad, wo, lr);
      }
      return loss;
    }
  }
  return NAN;
}

void LossLayer::Predict(int k, float threshold, const float* hidden, float* output,
                        const Matrix& wo, std::vector<Prediction>& heap) const {
  heap.clear();
  if (k <= 0) k = nlabels_;
  if (kind_ == Loss::kHs) {
    Dfs(k, threshold, 2 * nlabels_ - 2, 0.0f, hidden, wo, heap);
  } else {
    if (kind_ == Loss::kSoftmax) {
      SoftmaxScores(hidden, output, wo);
    } else {
      for (int32_t i = 0; i < nlabels_; ++i) output[i] = Sigmoid(Dot(wo.Row(i), hidden, wo.cols()));
    }
    // fastText's findKBest, step for step, so that ties rank identically.
    for (int32_t i = 0; i < nlabels_; ++i) {
      if (output[i] < threshold) continue;
      const float lp = StdLog(output[i]);
      if (static_cast<int>(heap.size()) == k && lp < heap.front().log_prob) continue;
      heap.push_back({lp, i});
      std::push_heap(heap.begin(), heap.end(), Better);
      if (static_cast<int>(heap.size()) > k) {
        std::pop_heap(heap.begin(), heap.end(), Better);
        heap.pop_back();
      }
    }
  }
  std::sort_heap(heap.begin(), heap.end(), Better);
}

void LossLayer::Dfs(int k, float threshold, int32_t node, float score, const float* hidden,
                    const Matrix& wo, std::vector<Prediction>& heap) const {
  if (score < StdLog(threshold)) return;
  if (static_cast<int>(heap.size()) == k && score < heap.front().log_prob) return;
  const Node& n = tree_[node];
  if (n.left == -1 && n.right == -1) {
    heap.push_back({score, node});
    std::push_heap(heap.begin(), heap.end(), Better);
    if (static_cast<int>(heap.size()) > k) {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.pop_back();
    }
    return;
  }
  float f = Dot(wo.Row(node - nlabels_), hidden, wo.cols());
  f = static_cast<float>(1.0 / (1.0f + std::exp(-f)));
  Dfs(k, threshold, n.left, score + StdLog(static_cast<float>(1.0 - f)), hidden, wo, heap);
  Dfs(k, threshold, n.right, score + StdLog(f), hidden, wo, heap);
}

void LossLayer::BuildTree(const std::vector<int64_t>& counts) {
  // fastText's construction: counts are sorted decreasing, so merging the
  // two smallest of (next leaf from the end, next inner node) builds a
  // Huffman tree in linear time. fastText marks inner nodes not yet made
  // with a count of 1e15; testing `inner < i` instead gives the same tree
  // for real counts and stays inside the tree for any counts a damaged
  // model file holds (unsorted, huge or negative: found by
  // fuzz/fasttext_bin.cc), whose sums saturate instead of overflowing.
  const int32_t n = nlabels_;
  constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max();
  tree_.assign(std::max(0, 2 * n - 1), Node{});
  for (int32_t i = 0; i < n; ++i) tree_[i].count = std::max<int64_t>(0, counts[i]);
  int32_t leaf = n - 1;
  int32_t inner = n;
  for (int32_t i = n; i < 2 * n - 1; ++i) {
    int32_t mini[2];
    for (int32_t& m : mini) {
      m = (leaf >= 0 && (inner == i || tree_[leaf].count < tree_[inner].count)) ? leaf-- : inner++;
    }
    tree_[i].left = mini[0];
    tree_[i].right = mini[1];
    const int64_t a = tree_[mini[0]].count, b = tree_[mini[1]].count;
    tree_[i].count = a > kMaxCount - b ? kMaxCount : a + b;
    tree_[mini[0]].parent = i;
    tree_[mini[1]].parent = i;
    tree_[mini[1]].binary = true;
  }
  path_begin_.assign(1, 0);
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t j = i; tree_[j].parent != -1; j = tree_[j].parent) {
      path_rows_.push_back(tree_[j].parent - n);
      path_bits_.push_back(tree_[j].binary);
    }
    path_begin_.push_back(static_cast<int32_t>(path_rows_.size()));
  }
}

}  // namespace rungs::text
