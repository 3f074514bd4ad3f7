// Dense matrices in fastText's layout, shared by the model file
// (fasttext_bin) and rungs' checkpoints: rows and cols as int64, then the
// floats row by row.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "text/binary_io.h"
#include "text/matrix.h"

namespace rungs::text {

void PutMatrix(BinaryWriter& out, const Matrix& m);

// Reads the rows and cols of matrix `name` and checks that they are the
// expected ones and that the file still holds that many floats, before
// anything is allocated (a damaged file cannot ask for terabytes).
Status CheckMatrixHeader(BinaryReader& in, int64_t rows, int64_t cols, std::string_view name);

// A rows x cols matrix, checked as CheckMatrixHeader does.
Result<Matrix> GetMatrix(BinaryReader& in, int64_t rows, int64_t cols, std::string_view name);

}  // namespace rungs::text
