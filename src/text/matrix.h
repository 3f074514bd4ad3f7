// Matrix: a dense row-major float matrix (fastText's DenseMatrix), allocated
// zeroed by the OS so untouched rows cost no memory. Models keep their output
// matrix here; the input matrix is a LazyMatrix (lazy_matrix.h).
//
// Not synchronized: Hogwild training writes rows from several threads
// without locks, on purpose (fastText's scheme); anything else must not
// write concurrently.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace rungs::text {

class Matrix {
 public:
  Matrix() = default;
  // rows x cols zeros; throws std::bad_alloc when memory runs out (callers
  // check sizes against a limit first).
  Matrix(int64_t rows, int64_t cols);
  Matrix(const Matrix& other);
  Matrix& operator=(const Matrix& other);
  Matrix(Matrix&&) noexcept = default;
  Matrix& operator=(Matrix&&) noexcept = default;

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  float* Row(int64_t i) { return data_.get() + i * cols_; }
  const float* Row(int64_t i) const { return data_.get() + i * cols_; }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  int64_t bytes() const { return rows_ * cols_ * int64_t{sizeof(float)}; }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  int64_t rows_ = 0;
  int64_t cols_ = 0;
  std::unique_ptr<float[], Free> data_;
};

}  // namespace rungs::text
