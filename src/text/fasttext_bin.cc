#include "text/fasttext_bin.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "text/binary_io.h"
#include "text/matrix_io.h"
#include "text/model_trailer.h"

namespace rungs::text {
namespace {

constexpr int32_t kFastTextMagic = 793712314;
constexpr int32_t kFastTextVersion = 12;
constexpr int32_t kModelSupervised = 3;  // fastText's model_name::sup
constexpr size_t kMaxWordBytes = 1 << 20;

// The input matrix in full: rows not present are written as their source
// gives them, exactly what a dense matrix would hold.
void PutInputMatrix(BinaryWriter& out, const LazyMatrix& m) {
  out.Put<int64_t>(m.rows());
  out.Put<int64_t>(m.cols());
  // A block of rows at a time: a 2M-row table is mostly rows never made.
  constexpr int64_t kBlockRows = 4096;
  const size_t cols = static_cast<size_t>(m.cols());
  std::vector<float> block(kBlockRows * cols);
  for (int64_t first = 0; first < m.rows(); first += kBlockRows) {
    const int64_t n = std::min(kBlockRows, m.rows() - first);
    for (int64_t i = 0; i < n; ++i) {
      float* dst = block.data() + i * cols;
      const float* row = m.Row(first + i, dst);
      if (row != dst) std::copy(row, row + cols, dst);
    }
    out.PutBytes(block.data(), static_cast<size_t>(n) * cols * sizeof(float));
  }
}

// Every row of a dense input matrix becomes a present row.
Result<LazyMatrix> GetInputMatrix(BinaryReader& in, int64_t rows, int64_t cols) {
  RUNGS_RETURN_IF_ERROR(CheckMatrixHeader(in, rows, cols, "input"));
  LazyMatrix matrix(rows, cols, nullptr);
  for (int64_t i = 0; i < rows; ++i) {
    RUNGS_RETURN_IF_ERROR(
        in.GetBytes(matrix.MutableRow(i), static_cast<size_t>(cols) * sizeof(float), "input"));
  }
  return matrix;
}

// The args block; fills `args` and returns fastText's model kind.
Status GetArgs(BinaryReader& in, TrainArgs& args, int32_t& model) {
  int32_t loss = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(args.dim, "dim"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.ws, "ws"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.epoch, "epoch"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.dict.min_count, "minCount"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.neg, "neg"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.dict.word_ngrams, "wordNgrams"));
  RUNGS_RETURN_IF_ERROR(in.Get(loss, "loss"));
  RUNGS_RETURN_IF_ERROR(in.Get(model, "model"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.dict.bucket, "bucket"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.dict.minn, "minn"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.dict.maxn, "maxn"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.lr_update_rate, "lrUpdateRate"));
  RUNGS_RETURN_IF_ERROR(in.Get(args.t, "t"));
  if (loss < 1 || loss > 4) return in.Bad("unknown loss " + std::to_string(loss), "loss");
  args.loss = static_cast<Loss>(loss);
  if (model != kModelSupervised) {
    return in.Bad("not a supervised model (model " + std::to_string(model) +
                      "; word vectors from cbow/skipgram cannot classify)",
                  "model");
  }
  if (args.dim < 1 || args.dim > 100000) return in.Bad("dim out of range", "dim");
  if (args.dict.bucket < 0) return in.Bad("negative bucket", "bucket");
  if (args.dict.maxn > 0 && args.dict.bucket == 0) return in.Bad("maxn > 0 with bucket 0", "bucket");
  if (args.dict.word_ngrams > 1 && args.dict.bucket == 0) {
    return in.Bad("wordNgrams > 1 with bucket 0", "bucket");
  }
  return Status::Ok();
}

Result<Dictionary> GetDictionary(BinaryReader& in, const TrainArgs& args) {
  int32_t size = 0, nwords = 0, nlabels = 0;
  int64_t ntokens = 0, pruneidx_size = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(size, "dictionary size"));
  RUNGS_RETURN_IF_ERROR(in.Get(nwords, "nwords"));
  RUNGS_RETURN_IF_ERROR(in.Get(nlabels, "nlabels"));
  RUNGS_RETURN_IF_ERROR(in.Get(ntokens, "ntokens"));
  RUNGS_RETURN_IF_ERROR(in.Get(pruneidx_size, "pruneidx_size"));
  if (size < 0 || nwords < 0 || nlabels < 0 || int64_t{nwords} + nlabels != size) {
    return in.Bad("inconsistent counts: size " + std::to_string(size) + ", nwords " +
                      std::to_string(nwords) + ", nlabels " + std::to_string(nlabels),
                  "dictionary size");
  }
  // Every entry takes at least 10 bytes (NUL, count, type).
  if (int64_t{size} * 10 > in.remaining()) return in.Bad("file is truncated", "dictionary entries");
  std::vector<Entry> entries(size);
  for (int32_t i = 0; i < size; ++i) {
    Entry& e = entries[i];
    const std::string field = "dictionary entry " + std::to_string(i);
    RUNGS_RETURN_IF_ERROR(in.GetCString(e.word, kMaxWordBytes, field));
    RUNGS_RETURN_IF_ERROR(in.Get(e.count, field + " count"));
    int8_t type = 0;
    RUNGS_RETURN_IF_ERROR(in.Get(type, field + " type"));
    if (type != 0 && type != 1) {
      return in.Bad("entry type must be 0 (word) or 1 (label), got " + std::to_string(type),
                    field + " type");
    }
    e.type = static_cast<EntryType>(type);
    if ((e.type == EntryType::kWord) != (i < nwords)) {
      return in.Bad("entry type does not match nwords " + std::to_string(nwords), field + " type");
    }
  }
  // A quantized model's pruned n-grams (fastText's pruneidx): -1 when not pruned.
  std::optional<std::vector<PrunedNgram>> pruned;
  if (pruneidx_size >= 0) {
    // Divided, not multiplied: the size is any 64-bit number in a damaged file.
    if (pruneidx_size > in.remaining() / 8) return in.Bad("file is truncated", "pruneidx");
    pruned.emplace(static_cast<size_t>(pruneidx_size));
    for (PrunedNgram& p : *pruned) {
      RUNGS_RETURN_IF_ERROR(in.Get(p.bucket, "pruneidx bucket"));
      RUNGS_RETURN_IF_ERROR(in.Get(p.index, "pruneidx index"));
    }
  }
  Result<Dictionary> dict = Dictionary::FromSorted(std::move(entries), ntokens, args.dict,
                                                   std::move(pruned));
  if (!dict.ok()) return in.Bad(dict.message(), "pruneidx");
  return dict;
}

// The input matrix: dense (every row present) or quantized (rows decoded
// when read).
Result<LazyMatrix> GetInput(BinaryReader& in, int64_t rows, int64_t cols,
                            std::shared_ptr<const QuantMatrix>& quantized) {
  uint8_t quant_input = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(quant_input, "quant_input"));
  if (quant_input == 0) return GetInputMatrix(in, rows, cols);
  Result<QuantMatrix> q = QuantMatrix::Load(in, rows, cols, "input");
  if (!q.ok()) return q.error();
  quantized = std::make_shared<const QuantMatrix>(std::move(q).value());
  return LazyMatrix(rows, cols, quantized);
}

// The output matrix: quantized only in a quantized model saved with -qout;
// its decoded rows are what Predict reads.
Result<Matrix> GetOutput(BinaryReader& in, int64_t rows, int64_t cols, bool quantized_input,
                         std::shared_ptr<const QuantMatrix>& quantized) {
  uint8_t qout = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(qout, "qout"));
  if (qout == 0 || !quantized_input) return GetMatrix(in, rows, cols, "output");
  Result<QuantMatrix> q = QuantMatrix::Load(in, rows, cols, "output");
  if (!q.ok()) return q.error();
  quantized = std::make_shared<const QuantMatrix>(std::move(q).value());
  Matrix output(rows, cols);
  for (int64_t i = 0; i < rows; ++i) quantized->Fill(i, output.Row(i));
  return output;
}

}  // namespace

Status SaveFastTextBin(const Model& model, const Preprocessing& preprocessing,
                       const std::string& path) {
  const TrainArgs& args = model.args();
  const Dictionary& dict = model.dict();
  BinaryWriter out(path);
  out.Put(kFastTextMagic);
  out.Put(kFastTextVersion);
  out.Put<int32_t>(args.dim);
  out.Put<int32_t>(args.ws);
  out.Put<int32_t>(args.epoch);
  out.Put<int32_t>(args.dict.min_count);
  out.Put<int32_t>(args.neg);
  out.Put<int32_t>(args.dict.word_ngrams);
  out.Put<int32_t>(static_cast<int32_t>(args.loss));
  out.Put<int32_t>(kModelSupervised);
  out.Put<int32_t>(dict.bucket());  // the bucket in use, as fastText stores it
  out.Put<int32_t>(args.dict.minn);
  out.Put<int32_t>(args.dict.maxn);
  out.Put<int32_t>(args.lr_update_rate);
  out.Put<double>(args.t);

  out.Put<int32_t>(dict.size());
  out.Put<int32_t>(dict.nwords());
  out.Put<int32_t>(dict.nlabels());
  out.Put<int64_t>(dict.ntokens());
  const std::vector<PrunedNgram> pruned = dict.PrunedNgrams();
  out.Put<int64_t>(dict.pruned() ? static_cast<int64_t>(pruned.size()) : -1);  // pruneidx_size
  for (const Entry& e : dict.entries()) {
    out.PutBytes(e.word.data(), e.word.size() + 1);  // with its NUL
    out.Put<int64_t>(e.count);
    out.Put<int8_t>(static_cast<int8_t>(e.type));
  }
  for (const PrunedNgram& p : pruned) {
    out.Put<int32_t>(p.bucket);
    out.Put<int32_t>(p.index);
  }
  const Quantized& q = model.quantized();
  out.Put<uint8_t>(q.input != nullptr);  // quant_input
  if (q.input != nullptr) {
    q.input->Save(out);
  } else {
    PutInputMatrix(out, model.input());
  }
  out.Put<uint8_t>(q.output != nullptr);  // qout
  if (q.output != nullptr) {
    q.output->Save(out);
  } else {
    PutMatrix(out, model.output());
  }
  PutRungsTrailer(out, preprocessing);
  return out.Close();
}

Result<ModelFile> LoadFastTextBin(const std::string& path) {
  BinaryReader in(path);
  RUNGS_RETURN_IF_ERROR(in.Open());
  int32_t magic = 0, version = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(magic, "magic"));
  if (magic != kFastTextMagic) {
    return in.Bad("not a fastText model (magic " + std::to_string(magic) + ", expected " +
                      std::to_string(kFastTextMagic) + ")",
                  "magic");
  }
  RUNGS_RETURN_IF_ERROR(in.Get(version, "version"));
  if (version != 11 && version != kFastTextVersion) {
    return in.Bad("unsupported fastText model version " + std::to_string(version) +
                      " (11 and 12 are supported)",
                  "version");
  }
  TrainArgs args;
  int32_t model_kind = 0;
  RUNGS_RETURN_IF_ERROR(GetArgs(in, args, model_kind));
  if (version == 11) args.dict.maxn = 0;  // old supervised models had no char n-grams
  Result<Dictionary> dict = GetDictionary(in, args);
  if (!dict.ok()) return dict.error();
  auto shared_dict = std::make_shared<const Dictionary>(std::move(dict).value());
  Quantized quantized;
  Result<LazyMatrix> input = GetInput(in, shared_dict->InputRows(), args.dim, quantized.input);
  if (!input.ok()) return input.error();
  Result<Matrix> output = GetOutput(in, shared_dict->nlabels(), args.dim,
                                    quantized.input != nullptr, quantized.output);
  if (!output.ok()) return output.error();
  Result<std::optional<Preprocessing>> preprocessing = GetRungsTrailer(in);
  if (!preprocessing.ok()) return preprocessing.error();
  Result<Model> model = Model::Create(args, shared_dict, std::move(input).value(),
                                      std::move(output).value(), std::move(quantized));
  if (!model.ok()) return Fail(path + ": " + model.message());
  return ModelFile{std::move(model).value(), *preprocessing};
}

}  // namespace rungs::text
