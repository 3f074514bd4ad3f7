// fastText 0.9.2 model files, both ways: .bin, and quantized .ftz
// (formats: doc/fasttext-bin.md, doc/quantize.md).
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "text/model.h"
#include "text/preprocessing.h"

namespace rungs::text {

// A model file as rungs reads it.
struct ModelFile {
  Model model;
  // What the file's rungs trailer records; nullopt when it has none
  // (fastText's own files, rungs' before the trailer): then nobody knows.
  std::optional<Preprocessing> preprocessing;
};

// Writes `model` as fastText 0.9.2 writes a supervised model (magic
// 793712314, version 12), a quantized model (Model::quantized) as its .ftz,
// followed by the rungs trailer recording `preprocessing`, which fastText
// does not read. `fasttext test/predict` load it and predict as
// Model::Predict does. Fails naming the path when it cannot be written.
Status SaveFastTextBin(const Model& model, const Preprocessing& preprocessing,
                       const std::string& path);

// Reads a supervised .bin or .ftz written by fastText (version 11 or 12) or
// by SaveFastTextBin. Fails with a message naming the path and what is wrong
// for files that are not fastText models, truncated files, unsupervised
// models, and bytes after the output matrix that are not a valid rungs
// trailer.
Result<ModelFile> LoadFastTextBin(const std::string& path);

}  // namespace rungs::text
