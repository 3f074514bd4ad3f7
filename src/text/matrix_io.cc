#include "text/matrix_io.h"

#include <string>

namespace rungs::text {

void PutMatrix(BinaryWriter& out, const Matrix& m) {
  out.Put<int64_t>(m.rows());
  out.Put<int64_t>(m.cols());
  out.PutBytes(m.data(), static_cast<size_t>(m.bytes()));
}

Status CheckMatrixHeader(BinaryReader& in, int64_t rows, int64_t cols, std::string_view name) {
  int64_t m = 0, n = 0;
  RUNGS_RETURN_IF_ERROR(in.Get(m, std::string(name) + " rows"));
  RUNGS_RETURN_IF_ERROR(in.Get(n, std::string(name) + " cols"));
  if (m != rows || n != cols) {
    return in.Bad(std::string(name) + " matrix is " + std::to_string(m) + "x" + std::to_string(n) +
                      ", expected " + std::to_string(rows) + "x" + std::to_string(cols),
                  name);
  }
  if (m * n * 4 > in.remaining()) {
    return in.Bad("file is truncated: " + std::string(name) + " matrix needs " +
                      std::to_string(m * n * 4) + " bytes, " + std::to_string(in.remaining()) +
                      " left",
                  name);
  }
  return Status::Ok();
}


Result<Matrix> GetMatrix(BinaryReader& in, int64_t rows, int64_t cols, std::string_view name) {
  RUNGS_RETURN_IF_ERROR(CheckMatrixHeader(in, rows, cols, name));
  Matrix matrix(rows, cols);
  RUNGS_RETURN_IF_ERROR(in.GetBytes(matrix.data(), static_cast<size_t>(matrix.bytes()), name));
  return matrix;
}

}  // namespace rungs::text
