#include "text/quant_matrix.h"

#include <cmath>
#include <utility>

namespace rungs::text {

Result<QuantMatrix> QuantMatrix::Quantize(std::vector<float> data, int64_t rows, int64_t cols,
                                          int32_t dsub, bool qnorm, int threads) {
  QuantMatrix q;
  q.rows_ = rows;
  q.cols_ = cols;
  q.qnorm_ = qnorm;
  if (qnorm) {
    // fastText: each row divided by its L2 norm (rows of norm 0 kept), the
    // norms quantized as 1-dimensional vectors.
    std::vector<float> norms(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) {
      float* row = data.data() + i * cols;
      double sum = 0;
      for (int64_t j = 0; j < cols; ++j) sum += row[j] * row[j];
      if (!std::isfinite(sum)) return Fail("row " + std::to_string(i) + " is not finite");
      norms[i] = static_cast<float>(std::sqrt(sum));
      if (norms[i] != 0) {
        for (int64_t j = 0; j < cols; ++j) row[j] /= norms[i];
      }
    }
    q.norm_pq_ = ProductQuantizer(1, 1);
    RUNGS_RETURN_IF_ERROR(q.norm_pq_.Train(norms.data(), rows, 1));
    q.norm_codes_.resize(static_cast<size_t>(rows));
    q.norm_pq_.EncodeAll(norms.data(), rows, q.norm_codes_.data(), 1);
  }
  q.pq_ = ProductQuantizer(static_cast<int32_t>(cols), dsub);
  RUNGS_RETURN_IF_ERROR(q.pq_.Train(data.data(), rows, threads));
  q.codes_.resize(static_cast<size_t>(rows * q.pq_.nsubq()));
  q.pq_.EncodeAll(data.data(), rows, q.codes_.data(), threads);
  return q;
}

float QuantMatrix::Norm(int64_t row) const {
  if (!qnorm_) return 1.0f;
  float norm = 0;
  norm_pq_.Decode(&norm_codes_[row], 1.0f, &norm);
  return norm;
}

void QuantMatrix::Fill(int64_t row, float* out) const {
  pq_.Decode(codes_.data() + row * pq_.nsubq(), Norm(row), out);
}

float QuantMatrix::DotRow(const float* x, int64_t row) const {
  return pq_.Dot(x, codes_.data() + row * pq_.nsubq(), Norm(row));
}

void QuantMatrix::Save(BinaryWriter& out) const {
  out.Put<uint8_t>(qnorm_);
  out.Put<int64_t>(rows_);
  out.Put<int64_t>(cols_);
  out.Put<int32_t>(static_cast<int32_t>(codes_.size()));
  out.PutBytes(codes_.data(), codes_.size());
  pq_.Save(out);
  if (qnorm_) {
    out.PutBytes(norm_codes_.data(), norm_codes_.size());
    norm_pq_.Save(out);
  }
}

int64_t QuantMatrix::SavedBytes(int64_t rows, int64_t cols, int32_t dsub, bool qnorm) {
  const int64_t pq = 16 + cols * ProductQuantizer::kCentroids * 4;
  const int64_t codes = rows * ((cols + dsub - 1) / dsub);
  return 1 + 8 + 8 + 4 + codes + pq + (qnorm ? rows + 16 + ProductQuantizer::kCentroids * 4 : 0);
}

Result<QuantMatrix> QuantMatrix::Load(BinaryReader& in, int64_t rows, int64_t cols,
                                      std::string_view field) {
  const std::string f(field);
  QuantMatrix q;
  uint8_t qnorm = 0;
  int32_t codesize = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(qnorm, f + " qnorm"));
  RUNGS_RETURN_IF_ERROR(in.Get(q.rows_, f + " rows"));
  RUNGS_RETURN_IF_ERROR(in.Get(q.cols_, f + " cols"));
  RUNGS_RETURN_IF_ERROR(in.Get(codesize, f + " codesize"));
  if (q.rows_ != rows || q.cols_ != cols) {
    return in.Bad(f + " matrix is " + std::to_string(q.rows_) + "x" + std::to_string(q.cols_) +
                      ", expected " + std::to_string(rows) + "x" + std::to_string(cols),
                  f);
  }
  if (codesize < 0 || codesize > in.remaining()) return in.Bad("file is truncated", f + " codes");
  q.qnorm_ = qnorm != 0;
  q.codes_.resize(static_cast<size_t>(codesize));
  RUNGS_RETURN_IF_ERROR(in.GetBytes(q.codes_.data(), q.codes_.size(), f + " codes"));
  RUNGS_RETURN_IF_ERROR(q.pq_.Load(in, f + " quantizer"));
  if (q.pq_.dim() != cols || int64_t{codesize} != rows * q.pq_.nsubq()) {
    return in.Bad("codes do not fit the quantizer (" + std::to_string(codesize) + " bytes for " +
                      std::to_string(rows) + " rows of " + std::to_string(q.pq_.nsubq()) + ")",
                  f + " codesize");
  }
  if (q.qnorm_) {
    if (rows > in.remaining()) return in.Bad("file is truncated", f + " norm codes");
    q.norm_codes_.resize(static_cast<size_t>(rows));
    RUNGS_RETURN_IF_ERROR(in.GetBytes(q.norm_codes_.data(), q.norm_codes_.size(), f + " norm codes"));
    RUNGS_RETURN_IF_ERROR(q.norm_pq_.Load(in, f + " norm quantizer"));
    if (q.norm_pq_.dim() != 1) return in.Bad("norm quantizer must have dim 1", f + " norm quantizer");
  }
  return q;
}

}  // namespace rungs::text
