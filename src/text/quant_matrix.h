// QuantMatrix: fastText's quantized matrix, as a quantized model (.ftz)
// holds its input matrix and, with -qout, its output matrix: one code per
// row (ProductQuantizer), and with -qnorm each row's L2 norm quantized on
// its own (a one-dimensional quantizer) and the row stored as its direction.
//
// As a RowSource it gives a row's decoded values, so a model's LazyMatrix
// reads a quantized input row by row without ever expanding it.
// Immutable after Quantize/Load; safe from many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "text/binary_io.h"
#include "text/lazy_matrix.h"
#include "text/product_quantizer.h"

namespace rungs::text {

class QuantMatrix : public RowSource {
 public:
  QuantMatrix() = default;

  // Quantizes `rows` x `cols` floats (row-major) with sub-vectors of `dsub`
  // coordinates, normalizing rows first and quantizing their norms when
  // `qnorm`. Fails when there are fewer than 256 rows, or a row is not finite.
  static Result<QuantMatrix> Quantize(std::vector<float> data, int64_t rows, int64_t cols,
                                      int32_t dsub, bool qnorm, int threads);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  bool qnorm() const { return qnorm_; }
  int32_t dsub() const { return pq_.dsub(); }

  // Row `row` decoded: its norm times its centroids (fastText's addcode).
  void Fill(int64_t row, float* out) const override;
  // x . row, as fastText's QuantMatrix::dotRow computes it.
  float DotRow(const float* x, int64_t row) const;

  // fastText 0.9.2's QuantMatrix::save layout (doc/quantize.md).
  void Save(BinaryWriter& out) const;
  // Reads a matrix saved for `rows` x `cols`; fails naming `field`.
  static Result<QuantMatrix> Load(BinaryReader& in, int64_t rows, int64_t cols,
                                  std::string_view field);
  // Bytes Save writes for these shapes.
  static int64_t SavedBytes(int64_t rows, int64_t cols, int32_t dsub, bool qnorm);

 private:
  float Norm(int64_t row) const;

  int64_t rows_ = 0;
  int64_t cols_ = 0;
  bool qnorm_ = false;
  ProductQuantizer pq_;
  std::vector<uint8_t> codes_;       // rows * nsubq
  ProductQuantizer norm_pq_;         // qnorm: dim 1, dsub 1
  std::vector<uint8_t> norm_codes_;  // qnorm: one per row
};

}  // namespace rungs::text
