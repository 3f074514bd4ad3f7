// The rungs trailer: a record rungs appends to the .bin files it writes,
// after the output matrix, where fastText 0.9.2 stops reading (its loader
// reads exactly the fields it needs and never looks for the end of the
// file). It records the model's preprocessing, so that rungs applies it by
// itself. Layout: doc/fasttext-bin.md, "The rungs trailer".
#pragma once

#include <optional>

#include "base/status.h"
#include "text/binary_io.h"
#include "text/preprocessing.h"

namespace rungs::text {

// Appends the trailer recording `preprocessing`.
void PutRungsTrailer(BinaryWriter& out, const Preprocessing& preprocessing);
// The bytes PutRungsTrailer writes for `preprocessing`.
int64_t RungsTrailerBytes(const Preprocessing& preprocessing);

// Reads what follows the output matrix: nothing (nullopt: fastText's own
// files and those of rungs before the trailer) or one trailer, which must end
// the file. Fails naming the field for other bytes, a truncated trailer, a
// version other than 1, a record that is not a JSON object with a
// "preprocessing" list, or a step this rungs does not know.
Result<std::optional<Preprocessing>> GetRungsTrailer(BinaryReader& in);

}  // namespace rungs::text
