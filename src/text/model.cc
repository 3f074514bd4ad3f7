#include "text/model.h"

#include <string>
#include <utility>

#include "text/vec_ops.h"

namespace rungs::text {

Model::Model(TrainArgs args, std::shared_ptr<const Dictionary> dict, LazyMatrix input,
             Matrix output, Quantized quantized)
    : args_(std::move(args)), dict_(std::move(dict)), input_(std::move(input)),
      output_(std::move(output)),
      loss_(std::make_shared<const LossLayer>(args_.loss, dict_->LabelCounts(), args_.neg)),
      quantized_(std::move(quantized)) {}

Result<Model> Model::Create(TrainArgs args, std::shared_ptr<const Dictionary> dict,
                            LazyMatrix input, Matrix output, Quantized quantized) {
  if (dict == nullptr) return Fail("model has no dictionary");
  if (dict->nlabels() == 0) return Fail("model has no label: a supervised model needs at least one");
  if (input.rows() != dict->InputRows() || input.cols() != args.dim) {
    return Fail("input matrix is " + std::to_string(input.rows()) + "x" +
                std::to_string(input.cols()) + ", expected " + std::to_string(dict->InputRows()) +
                "x" + std::to_string(args.dim) + " (nwords + bucket by dim)");
  }
  if (output.rows() != dict->nlabels() || output.cols() != args.dim) {
    return Fail("output matrix is " + std::to_string(output.rows()) + "x" +
                std::to_string(output.cols()) + ", expected " + std::to_string(dict->nlabels()) +
                "x" + std::to_string(args.dim) + " (labels by dim)");
  }
  return Model(std::move(args), std::move(dict), std::move(input), std::move(output),
               std::move(quantized));
}

void Model::ComputeHidden(std::span<const int32_t> rows, float* hidden,
                          PredictScratch& scratch) const {
  const int64_t dim = input_.cols();
  const size_t n = rows.size();
  scratch.row.resize(static_cast<size_t>(dim));
  Zero(hidden, dim);
  // Rows are scattered over the matrix: fetching a few rows ahead hides
  // most of the cache misses.
  constexpr size_t kAhead = 6;
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) {
      if (const float* ahead = input_.RowIfPresent(rows[i + kAhead])) PrefetchRow(ahead, dim);
    }
    AddTo(hidden, input_.Row(rows[i], scratch.row.data()), dim);
  }
  Scale(hidden, static_cast<float>(1.0 / static_cast<double>(rows.size())), dim);
}

void Model::Predict(std::span<const int32_t> rows, int k, float threshold,
                    std::vector<Prediction>& out, PredictScratch& scratch) const {
  out.clear();
  if (rows.empty()) return;
  scratch.hidden.resize(input_.cols());
  scratch.output.resize(output_.rows());
  ComputeHidden(rows, scratch.hidden.data(), scratch);
  loss_->Predict(k, threshold, scratch.hidden.data(), scratch.output.data(), output_, out);
}

void Model::PredictWords(std::span<const std::string_view> words, int k, float threshold,
                         std::vector<Prediction>& out, PredictScratch& scratch) const {
  dict_->EncodeLine(words, scratch.rows, scratch.hashes);
  Predict(scratch.rows, k, threshold, out, scratch);
}

}  // namespace rungs::text
