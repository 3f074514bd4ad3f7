#include "text/matrix.h"

#include <cstring>
#include <new>
#include <random>

namespace rungs::text {
namespace {

float* AllocateZeroed(int64_t count) {
  if (count == 0) return nullptr;
  // calloc maps fresh zero pages for large sizes: rows never touched by
  // training never become resident.
  void* p = std::calloc(static_cast<size_t>(count), sizeof(float));
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<float*>(p);
}

}  // namespace

Matrix::Matrix(int64_t rows, int64_t cols)
    : rows_(rows), cols_(cols), data_(AllocateZeroed(rows * cols)) {}

Matrix::Matrix(const Matrix& other) : Matrix(other.rows_, other.cols_) {
  if (bytes() > 0) std::memcpy(data_.get(), other.data_.get(), static_cast<size_t>(bytes()));
}

Matrix& Matrix::operator=(const Matrix& other) {
  if (this != &other) *this = Matrix(other);
  return *this;
}

void Matrix::UniformLikeFastText(float a, int threads, int seed) {
  const int64_t size = rows_ * cols_;
  const int64_t block_size = size / 10;
  for (int block = 0; block < threads; ++block) {
    std::minstd_rand rng(block + seed);
    std::uniform_real_distribution<> uniform(-a, a);
    for (int64_t i = block_size * block; i < size && i < block_size * (block + 1); ++i) {
      data_[i] = static_cast<float>(uniform(rng));
    }
  }
}

}  // namespace rungs::text
