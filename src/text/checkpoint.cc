#include "text/checkpoint.h"

#include <cstdio>
#include <utility>

#include "text/binary_io.h"
#include "text/matrix_io.h"

namespace rungs::text {
namespace {

constexpr uint32_t kCheckpointMagic = 0x4B43524Eu;  // "NRCK" in file byte order
constexpr uint32_t kCheckpointVersion = 2;

// 64-bit FNV-1a over the entries (text, count, type) and ntokens: two
// dictionaries with the same fingerprint give the same ids.
uint64_t Fingerprint(const Dictionary& dict) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  for (const Entry& e : dict.entries()) {
    mix(e.word.data(), e.word.size() + 1);
    mix(&e.count, sizeof e.count);
    mix(&e.type, sizeof e.type);
  }
  const int64_t ntokens = dict.ntokens();
  mix(&ntokens, sizeof ntokens);
  return h;
}

void PutString(BinaryWriter& out, const std::string& s) {
  out.Put<uint32_t>(static_cast<uint32_t>(s.size()));
  out.PutBytes(s.data(), s.size());
}

Status GetString(BinaryReader& in, std::string& s, std::string_view field) {
  uint32_t size = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(size, field));
  if (size > in.remaining()) return in.Bad("file is truncated", field);
  s.resize(size);
  return in.GetBytes(s.data(), size, field);
}

// Only the present rows: their count, ids ascending, then their values.
void PutInputRows(BinaryWriter& out, const LazyMatrix& m) {
  const std::vector<int32_t> ids = m.PresentRowIds();
  out.Put<int64_t>(m.rows());
  out.Put<int64_t>(m.cols());
  out.Put<int64_t>(static_cast<int64_t>(ids.size()));
  out.PutBytes(ids.data(), ids.size() * sizeof(int32_t));
  for (int32_t id : ids) {
    out.PutBytes(m.RowIfPresent(id), static_cast<size_t>(m.cols()) * sizeof(float));
  }
}

// Rows not in the file are absent and come from `source` when used, as they
// would have in the training that wrote the file.
Result<LazyMatrix> GetInputRows(BinaryReader& in, int64_t rows, int64_t cols,
                                std::shared_ptr<const RowSource> source) {
  constexpr std::string_view kField = "input rows";
  int64_t m = 0, n = 0, present = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(m, kField));
  RUNGS_RETURN_IF_ERROR(in.Get(n, kField));
  if (m != rows || n != cols) {
    return in.Bad("input matrix is " + std::to_string(m) + "x" + std::to_string(n) +
                      ", expected " + std::to_string(rows) + "x" + std::to_string(cols),
                  kField);
  }
  RUNGS_RETURN_IF_ERROR(in.Get(present, kField));
  if (present < 0 || present > rows) {
    return in.Bad("present row count " + std::to_string(present) + " is outside [0, " +
                      std::to_string(rows) + "]",
                  kField);
  }
  if (present * (4 + cols * 4) > in.remaining()) return in.Bad("file is truncated", kField);
  std::vector<int32_t> ids(static_cast<size_t>(present));
  RUNGS_RETURN_IF_ERROR(in.GetBytes(ids.data(), ids.size() * sizeof(int32_t), kField));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= rows || (i > 0 && ids[i] <= ids[i - 1])) {
      return in.Bad("row ids must be ascending and below " + std::to_string(rows), kField);
    }
  }
  LazyMatrix matrix(rows, cols, std::move(source));
  for (int32_t id : ids) {
    RUNGS_RETURN_IF_ERROR(
        in.GetBytes(matrix.MutableRow(id), static_cast<size_t>(cols) * sizeof(float), kField));
  }
  return matrix;
}

Status GetHeader(BinaryReader& in) {
  RUNGS_RETURN_IF_ERROR(in.Open());
  uint32_t magic = 0, version = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(magic, "magic"));
  if (magic != kCheckpointMagic) return in.Bad("not a rungs checkpoint", "magic");
  RUNGS_RETURN_IF_ERROR(in.Get(version, "version"));
  if (version != kCheckpointVersion) {
    // Version 1 (dense input matrices) was never written outside tests.
    return in.Bad("unsupported checkpoint version " + std::to_string(version) + " (this is " +
                      std::to_string(kCheckpointVersion) + ")",
                  "version");
  }
  return Status::Ok();
}

Status GetDictArgs(BinaryReader& in, DictArgs& d) {
  RUNGS_RETURN_IF_ERROR(in.Get(d.min_count, "minCount"));
  RUNGS_RETURN_IF_ERROR(in.Get(d.min_count_label, "minCountLabel"));
  RUNGS_RETURN_IF_ERROR(in.Get(d.word_ngrams, "wordNgrams"));
  RUNGS_RETURN_IF_ERROR(in.Get(d.bucket, "bucket"));
  RUNGS_RETURN_IF_ERROR(in.Get(d.minn, "minn"));
  RUNGS_RETURN_IF_ERROR(in.Get(d.maxn, "maxn"));
  return GetString(in, d.label, "label");
}

}  // namespace

Status SaveCheckpoint(const Checkpoint& checkpoint, const std::string& path) {
  const Model& model = checkpoint.model;
  const TrainArgs& a = model.args();
  BinaryWriter out(path);  // atomic: a reader never sees half a checkpoint
  out.Put(kCheckpointMagic);
  out.Put(kCheckpointVersion);
  out.Put<int32_t>(a.dict.min_count);
  out.Put<int32_t>(a.dict.min_count_label);
  out.Put<int32_t>(a.dict.word_ngrams);
  out.Put<int32_t>(a.dict.bucket);
  out.Put<int32_t>(a.dict.minn);
  out.Put<int32_t>(a.dict.maxn);
  PutString(out, a.dict.label);
  out.Put<uint64_t>(Fingerprint(model.dict()));
  out.Put<double>(a.lr);
  out.Put<int32_t>(a.dim);
  out.Put<int32_t>(a.ws);
  out.Put<int32_t>(a.epoch);
  out.Put<int32_t>(a.neg);
  out.Put<int32_t>(static_cast<int32_t>(a.loss));
  out.Put<int32_t>(a.thread);
  out.Put<int32_t>(a.lr_update_rate);
  out.Put<double>(a.t);
  out.Put<int32_t>(a.seed);
  out.Put<uint8_t>(a.keep_order);
  out.Put<int64_t>(a.memory_limit_bytes);
  out.Put<int64_t>(checkpoint.tokens_done);
  out.Put<uint32_t>(static_cast<uint32_t>(checkpoint.threads.size()));
  for (const ThreadPosition& t : checkpoint.threads) {
    out.Put<int64_t>(t.cursor);
    out.Put<int64_t>(t.local_tokens);
    out.Put<uint32_t>(t.rng_state);
    out.Put<double>(t.loss_sum);
    out.Put<int64_t>(t.loss_examples);
  }
  PutInputRows(out, model.input());
  PutMatrix(out, model.output());
  out.Put(kCheckpointMagic);  // end marker: a file cut at a field boundary still fails
  return out.Close();
}

Result<DictArgs> ReadCheckpointDictArgs(const std::string& path) {
  BinaryReader in(path);
  RUNGS_RETURN_IF_ERROR(GetHeader(in));
  DictArgs d;
  RUNGS_RETURN_IF_ERROR(GetDictArgs(in, d));
  return d;
}

Result<Checkpoint> LoadCheckpoint(const std::string& path, const Encoded& data) {
  BinaryReader in(path);
  RUNGS_RETURN_IF_ERROR(GetHeader(in));
  TrainArgs a;
  RUNGS_RETURN_IF_ERROR(GetDictArgs(in, a.dict));
  uint64_t fingerprint = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(fingerprint, "dictionary fingerprint"));
  if (fingerprint != Fingerprint(*data.dict) || !(a.dict == data.dict->args())) {
    return in.Bad("checkpoint was written for another corpus or dictionary", "dictionary fingerprint");
  }
  int32_t loss = 0;
  uint8_t keep_order = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(a.lr, "lr"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.dim, "dim"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.ws, "ws"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.epoch, "epoch"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.neg, "neg"));
  RUNGS_RETURN_IF_ERROR(in.Get(loss, "loss"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.thread, "thread"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.lr_update_rate, "lrUpdateRate"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.t, "t"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.seed, "seed"));
  RUNGS_RETURN_IF_ERROR(in.Get(keep_order, "keep_order"));
  RUNGS_RETURN_IF_ERROR(in.Get(a.memory_limit_bytes, "memory_limit"));
  if (loss < 1 || loss > 4) return in.Bad("unknown loss " + std::to_string(loss), "loss");
  a.loss = static_cast<Loss>(loss);
  a.keep_order = keep_order != 0;
  if (Status s = a.Validate(); !s.ok()) return in.Bad(s.message(), "args");

  int64_t tokens_done = 0;
  uint32_t nthreads = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(tokens_done, "tokens_done"));
  RUNGS_RETURN_IF_ERROR(in.Get(nthreads, "threads"));
  if (nthreads != static_cast<uint32_t>(a.thread)) return in.Bad("thread count mismatch", "threads");
  std::vector<ThreadPosition> threads(nthreads);
  for (ThreadPosition& t : threads) {
    RUNGS_RETURN_IF_ERROR(in.Get(t.cursor, "thread cursor"));
    RUNGS_RETURN_IF_ERROR(in.Get(t.local_tokens, "thread local_tokens"));
    RUNGS_RETURN_IF_ERROR(in.Get(t.rng_state, "thread rng_state"));
    RUNGS_RETURN_IF_ERROR(in.Get(t.loss_sum, "thread loss_sum"));
    RUNGS_RETURN_IF_ERROR(in.Get(t.loss_examples, "thread loss_examples"));
    if (t.cursor < 0 || t.cursor >= data.size()) return in.Bad("cursor out of range", "thread cursor");
  }
  Result<LazyMatrix> input =
      GetInputRows(in, data.dict->InputRows(), a.dim, InitialInputRows(a));
  if (!input.ok()) return input.error();
  Result<Matrix> output = GetMatrix(in, data.dict->nlabels(), a.dim, "output");
  if (!output.ok()) return output.error();
  uint32_t end = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(end, "end marker"));
  if (end != kCheckpointMagic) return in.Bad("bad end marker", "end marker");
  Result<Model> model = Model::Create(a, data.dict, std::move(input).value(), std::move(output).value());
  if (!model.ok()) return Fail(path + ": " + model.message());
  return Checkpoint{std::move(model).value(), tokens_done, std::move(threads)};
}

}  // namespace rungs::text
