// Dense vector kernels of the hot loop. Element-wise loops are written so
// that -O3 vectorizes them; Dot sums in index order, exactly as fastText's
// DenseMatrix::dotRow does, so scores match fastText's bit for bit.
#pragma once

#include <cstdint>
#include <span>

namespace rungs::text {

inline void AddTo(float* __restrict dst, const float* __restrict src, int64_t n) {
  for (int64_t j = 0; j < n; ++j) dst[j] += src[j];
}

inline void AddScaledTo(float* __restrict dst, const float* __restrict src, float a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) dst[j] += a * src[j];
}

inline void Scale(float* __restrict dst, float a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) dst[j] *= a;
}

inline void Zero(float* __restrict dst, int64_t n) {
  for (int64_t j = 0; j < n; ++j) dst[j] = 0.0f;
}

// Asks the CPU to start loading a row of n floats into cache.
inline void PrefetchRow(const float* row, int64_t n) {
  for (int64_t j = 0; j < n; j += 16) __builtin_prefetch(row + j);
}

inline float Dot(const float* __restrict a, const float* __restrict b, int64_t n) {
  float d = 0.0f;
  for (int64_t j = 0; j < n; ++j) d += a[j] * b[j];
  return d;
}

// hidden = the mean of `rows` (not empty), summed in order as fastText
// does; rows a few ahead are prefetched, which hides most cache misses.
inline void MeanOfRows(std::span<float* const> rows, float* __restrict hidden, int64_t n) {
  constexpr size_t kAhead = 6;
  Zero(hidden, n);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + kAhead < rows.size()) PrefetchRow(rows[i + kAhead], n);
    AddTo(hidden, rows[i], n);
  }
  Scale(hidden, static_cast<float>(1.0 / static_cast<double>(rows.size())), n);
}

}  // namespace rungs::text
