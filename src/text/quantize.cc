#include "text/quantize.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "base/parallel_for.h"
#include "text/fasttext_bin.h"
#include "text/model_trailer.h"

namespace rungs::text {
namespace {

constexpr int64_t kMinRows = ProductQuantizer::kCentroids;  // fewer cannot be quantized
constexpr int64_t kHeaderBytes = 8 + 12 * 4 + 8 + 4 * 3 + 8 * 2;  // magic, version; args; dictionary header

// Bytes of one dictionary entry in a model file: text, NUL, count, type.
int64_t EntryBytes(const Entry& e) { return static_cast<int64_t>(e.word.size()) + 1 + 8 + 1; }

bool Prunes(const Model& model, const QuantizeArgs& args) {
  return args.cutoff > 0 && args.cutoff < model.input().rows();
}

// L2 norms of every input row (absent rows as their source gives them), on
// `threads` threads.
std::vector<float> RowNorms(const LazyMatrix& m, int threads) {
  std::vector<float> norms(static_cast<size_t>(m.rows()));
  constexpr int64_t kBlock = 4096;
  ParallelFor((m.rows() + kBlock - 1) / kBlock, threads, [&](int64_t b) {
    std::vector<float> scratch(static_cast<size_t>(m.cols()));
    for (int64_t i = b * kBlock; i < std::min(m.rows(), (b + 1) * kBlock); ++i) {
      const float* row = m.Row(i, scratch.data());
      double sum = 0;
      for (int64_t j = 0; j < m.cols(); ++j) sum += row[j] * row[j];
      norms[i] = static_cast<float>(std::sqrt(sum));
    }
  });
  return norms;
}

// fastText's selectEmbeddings: the `keep` input rows to keep, </s> first,
// then by decreasing norm (ties: lower row first).
std::vector<int32_t> RowsByNorm(const Model& model, int64_t keep, int threads) {
  const std::vector<float> norms = RowNorms(model.input(), threads);
  const int32_t eos = model.dict().Find(kEos);
  std::vector<int32_t> rows(norms.size());
  std::iota(rows.begin(), rows.end(), 0);
  keep = std::min<int64_t>(keep, static_cast<int64_t>(rows.size()));
  std::partial_sort(rows.begin(), rows.begin() + keep, rows.end(), [&](int32_t a, int32_t b) {
    if ((a == eos) != (b == eos)) return a == eos;
    if (norms[a] != norms[b]) return norms[a] > norms[b];
    return a < b;
  });
  rows.resize(static_cast<size_t>(keep));
  return rows;
}

// What the .ftz takes besides the per-row bytes: header, args, dictionary
// header and labels, quantizer centroids, the output matrix, the rungs
// trailer.
int64_t FixedBytes(const Model& model, const QuantizeArgs& args,
                   const Preprocessing& preprocessing) {
  const Dictionary& dict = model.dict();
  const int64_t dim = model.args().dim;
  int64_t bytes = kHeaderBytes + RungsTrailerBytes(preprocessing);
  for (int32_t i = dict.nwords(); i < dict.size(); ++i) bytes += EntryBytes(dict.entries()[i]);
  bytes += 1 + QuantMatrix::SavedBytes(0, dim, args.dsub, args.qnorm);
  bytes += 1 + (args.qout ? QuantMatrix::SavedBytes(dict.nlabels(), dim, 2, args.qnorm)
                          : 16 + int64_t{dict.nlabels()} * dim * 4);
  return bytes;
}

// The bytes one kept input row adds: its code (and norm code), and its
// dictionary entry (a word) or pruneidx pair (an n-gram of a pruned model).
int64_t RowBytes(const Model& model, const QuantizeArgs& args, int32_t row, bool pruned) {
  const int64_t code = (model.args().dim + args.dsub - 1) / args.dsub + (args.qnorm ? 1 : 0);
  if (row < model.dict().nwords()) return code + EntryBytes(model.dict().entries()[row]);
  return code + (pruned ? 8 : 0);
}

// Copies the kept rows into a dense matrix, in the pruned dictionary's order.
std::vector<float> GatherRows(const LazyMatrix& m, const std::vector<int32_t>& order) {
  const size_t cols = static_cast<size_t>(m.cols());
  std::vector<float> out(order.size() * cols);
  for (size_t i = 0; i < order.size(); ++i) {
    const float* row = m.Row(order[i], out.data() + i * cols);
    if (row != out.data() + i * cols) std::copy(row, row + cols, out.data() + i * cols);
  }
  return out;
}

// fastText's retraining after pruning: the kept rows and the output
// trained on, from their current values, with a fresh schedule.
Status Retrain(Model& model, const QuantizeArgs& args, const Corpus& corpus,
               const TrainControl& control) {
  Result<std::shared_ptr<const Encoded>> data = corpus.EncodeWith(model.shared_dict());
  if (!data.ok()) return data.error();
  std::vector<ThreadPosition> start = StartPositions(**data, args.thread, model.args().seed);
  Checkpoint checkpoint{std::move(model), 0, std::move(start)};
  const LrSchedule schedule{args.lr, 0.0, 0.0, static_cast<double>(args.epoch)};
  Result<TrainReport> report = Train(**data, schedule, args.epoch, checkpoint, control);
  model = std::move(checkpoint.model);
  if (!report.ok()) return report.error();
  if (report->stop != TrainStop::kDone) return Fail("retraining stopped: " + report->message);
  return Status::Ok();
}

}  // namespace

Status QuantizeArgs::Validate(int dim) const {
  if (dsub < 1 || dsub > dim) {
    return Fail("-dsub must be in [1, " + std::to_string(dim) + "] (the model's dim), got " +
                std::to_string(dsub));
  }
  if (cutoff < 0) return Fail("-cutoff must be >= 0, got " + std::to_string(cutoff));
  if (cutoff > 0 && cutoff < kMinRows) {
    return Fail("-cutoff must be 0 or at least " + std::to_string(kMinRows) +
                " (rows needed to quantize), got " + std::to_string(cutoff));
  }
  if (epoch < 1) return Fail("-epoch must be >= 1, got " + std::to_string(epoch));
  if (!(lr > 0) || !std::isfinite(lr)) return Fail("-lr must be a positive finite number");
  if (thread < 1 || thread > 1024) return Fail("-thread must be in [1, 1024], got " + std::to_string(thread));
  return Status::Ok();
}

Result<Model> Quantize(const Model& model, const QuantizeArgs& args, const Corpus* retrain_on,
                       const TrainControl& control) {
  const int dim = model.args().dim;
  RUNGS_RETURN_IF_ERROR(args.Validate(dim));
  if (model.quantized().input != nullptr) return Fail("the model is quantized already");
  if (args.qout && model.dict().nlabels() < kMinRows) {
    return Fail("-qout needs at least " + std::to_string(kMinRows) + " labels, the model has " +
                std::to_string(model.dict().nlabels()));
  }
  TrainArgs train_args = model.args();
  std::optional<Model> pruned_model;  // with -cutoff: the kept rows, retrained
  if (Prunes(model, args)) {
    std::vector<int32_t> order;
    Result<Dictionary> pruned =
        model.dict().Prune(RowsByNorm(model, args.cutoff, args.thread), order);
    if (!pruned.ok()) return pruned.error();
    const int64_t rows = static_cast<int64_t>(order.size());
    const std::vector<float> kept = GatherRows(model.input(), order);
    LazyMatrix input(rows, dim, nullptr);
    for (int64_t i = 0; i < rows; ++i) {
      std::copy(kept.begin() + i * dim, kept.begin() + (i + 1) * dim, input.MutableRow(i));
    }
    if (args.retrain) {
      train_args.epoch = args.epoch;
      train_args.lr = args.lr;
      train_args.thread = args.thread;
    }
    Result<Model> m = Model::Create(train_args, std::make_shared<const Dictionary>(std::move(pruned).value()),
                                    std::move(input), model.output());
    if (!m.ok()) return m.error();
    pruned_model = std::move(m).value();
    if (args.retrain) {
      if (retrain_on == nullptr) return Fail("-retrain needs the training data (-input)");
      RUNGS_RETURN_IF_ERROR(Retrain(*pruned_model, args, *retrain_on, control));
    }
  }
  const Model& current = pruned_model ? *pruned_model : model;
  const int64_t rows = current.input().rows();
  std::vector<int32_t> all(static_cast<size_t>(rows));
  std::iota(all.begin(), all.end(), 0);
  Result<QuantMatrix> qinput = QuantMatrix::Quantize(GatherRows(current.input(), all), rows, dim,
                                                     args.dsub, args.qnorm, args.thread);
  if (!qinput.ok()) return Fail("cannot quantize the input matrix: " + qinput.message());
  Quantized quantized;
  quantized.input = std::make_shared<const QuantMatrix>(std::move(qinput).value());
  Matrix output = current.output();
  if (args.qout) {
    const Matrix& o = current.output();
    Result<QuantMatrix> qoutput = QuantMatrix::Quantize(
        std::vector<float>(o.data(), o.data() + o.rows() * o.cols()), o.rows(), o.cols(), 2,
        args.qnorm, args.thread);
    if (!qoutput.ok()) return Fail("cannot quantize the output matrix: " + qoutput.message());
    quantized.output = std::make_shared<const QuantMatrix>(std::move(qoutput).value());
    for (int64_t i = 0; i < output.rows(); ++i) quantized.output->Fill(i, output.Row(i));
  }
  LazyMatrix input(rows, dim, quantized.input);
  return Model::Create(current.args(), current.shared_dict(), std::move(input), std::move(output),
                       std::move(quantized));
}

int64_t QuantizedFileBytes(const Model& model, const QuantizeArgs& args,
                           const Preprocessing& preprocessing) {
  int64_t bytes = FixedBytes(model, args, preprocessing);
  if (!Prunes(model, args)) {
    for (int32_t row = 0; row < model.input().rows(); ++row) bytes += RowBytes(model, args, row, false);
    return bytes;
  }
  for (int32_t row : RowsByNorm(model, args.cutoff, args.thread)) {
    bytes += RowBytes(model, args, row, true);
  }
  return bytes;
}

int64_t SmallestQuantizedFileBytes(int dim) {
  // As FixedBytes with no labels, and qnorm, which QuantizeArgsForSize always
  // sets; the codebooks' size does not depend on dsub.
  const int64_t trailer = std::min(RungsTrailerBytes(Preprocessing{.normalize = false}),
                                   RungsTrailerBytes(Preprocessing{.normalize = true}));
  return kHeaderBytes + trailer + 1 + QuantMatrix::SavedBytes(0, dim, 1, /*qnorm=*/true) + 1 + 16;
}

Result<QuantizeArgs> QuantizeArgsForSize(const Model& model, const Preprocessing& preprocessing,
                                         int64_t max_bytes, bool retrain, int threads) {
  QuantizeArgs args;
  args.qnorm = true;
  args.qout = model.dict().nlabels() >= kMinRows;
  args.retrain = retrain;
  args.thread = threads;
  const int64_t rows = model.input().rows();
  std::vector<int32_t> order;  // rows by norm, computed once if pruning is needed
  int64_t smallest = 0;        // bytes of the smallest model tried
  for (int32_t dsub : {2, 4, 8, 16}) {
    if (dsub > model.args().dim) break;
    args.dsub = dsub;
    args.cutoff = 0;
    if (QuantizedFileBytes(model, args, preprocessing) <= max_bytes) return args;
    if (order.empty()) order = RowsByNorm(model, rows, threads);
    int64_t bytes = FixedBytes(model, args, preprocessing);
    int64_t keep = 0;
    while (keep < rows && bytes + RowBytes(model, args, order[keep], true) <= max_bytes) {
      bytes += RowBytes(model, args, order[keep++], true);
    }
    if (keep >= kMinRows) {
      args.cutoff = keep;
      return args;
    }
    smallest = FixedBytes(model, args, preprocessing);
    for (int64_t i = 0; i < std::min(rows, kMinRows); ++i) smallest += RowBytes(model, args, order[i], true);
  }
  return Fail("no quantized model fits in " + std::to_string(max_bytes) +
              " bytes: the smallest (dsub " + std::to_string(args.dsub) + ", " +
              std::to_string(kMinRows) + " rows) takes " + std::to_string(smallest));
}

Result<QuantizeArgs> SaveQuantizedWithin(const Model& model, const Preprocessing& preprocessing,
                                         int64_t max_bytes, const Corpus* retrain_on,
                                         int threads, const std::string& path) {
  Result<QuantizeArgs> args =
      QuantizeArgsForSize(model, preprocessing, max_bytes, retrain_on != nullptr, threads);
  if (!args.ok()) return args.error();
  Result<Model> quantized = Quantize(model, *args, retrain_on);
  if (!quantized.ok()) return quantized.error();
  RUNGS_RETURN_IF_ERROR(SaveFastTextBin(*quantized, preprocessing, path));
  return args;
}

}  // namespace rungs::text
