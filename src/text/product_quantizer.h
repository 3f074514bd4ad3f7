// ProductQuantizer: fastText's product quantization. A vector's dim
// coordinates are cut into sub-vectors of dsub coordinates (the last one
// takes the rest, dim % dsub, when dsub does not divide dim); each sub-vector
// is replaced by the nearest of 256 centroids that k-means learnt for that
// position, so a vector costs one byte per sub-vector (doc/quantize.md).
//
// Centroids are laid out as fastText 0.9.2 stores them (Save/Load), so
// quantized models move between rungs and fastText unchanged. Training
// follows fastText's algorithm (25 k-means iterations on at most 65,536
// sampled vectors, empty clusters split off the largest ones) but starts
// k-means from k-means++ points, and uses a generator per sub-vector
// position, so positions train in parallel and the result does not depend on
// the thread count.
//
// Immutable after Train/Load; const members are safe from many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "text/binary_io.h"

namespace rungs::text {

class ProductQuantizer {
 public:
  static constexpr int kCentroids = 256;  // one byte per code

  ProductQuantizer() = default;
  // dim >= 1, 1 <= dsub.
  ProductQuantizer(int32_t dim, int32_t dsub);

  int32_t dim() const { return dim_; }
  int32_t dsub() const { return dsub_; }
  int32_t nsubq() const { return nsubq_; }  // bytes per code
  int32_t last_dsub() const { return last_dsub_; }

  // Learns the centroids from `n` vectors of dim floats, row after row.
  // Fails when n < 256 (fastText's limit: too few rows to quantize).
  Status Train(const float* x, int64_t n, int threads);
  // The nsubq-byte codes of n vectors (n * nsubq bytes), on `threads` threads.
  void EncodeAll(const float* x, int64_t n, uint8_t* codes, int threads) const;
  // out[j] = alpha * (centroid coordinate j of `code`), as fastText's addcode
  // adds it to a hidden vector.
  void Decode(const uint8_t* code, float alpha, float* out) const;
  // alpha * the dot product of x with the decoded `code`, summed in
  // coordinate order as fastText's mulcode does.
  float Dot(const float* x, const uint8_t* code, float alpha) const;

  // fastText's layout: dim, nsubq, dsub, lastdsub (int32), then dim * 256 floats.
  void Save(BinaryWriter& out) const;
  Status Load(BinaryReader& in, std::string_view field);

 private:
  // Centroid k of sub-vector position m (dsub or last_dsub floats).
  const float* Centroid(int32_t m, int k) const;
  float* Centroid(int32_t m, int k);
  int32_t Width(int32_t m) const { return m == nsubq_ - 1 ? last_dsub_ : dsub_; }
  void TrainPosition(const float* x, int64_t n, int32_t m);

  int32_t dim_ = 0;
  int32_t dsub_ = 0;
  int32_t nsubq_ = 0;
  int32_t last_dsub_ = 0;
  std::vector<float> centroids_;
};

}  // namespace rungs::text
