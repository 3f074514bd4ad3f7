#include "text/matrix.h"

#include <cstring>
#include <new>

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

}  // namespace rungs::text
