// fastText 0.9.2 .bin model files, both ways (format: doc/fasttext-bin.md).
#pragma once

#include <string>

#include "base/status.h"
#include "text/model.h"

namespace rungs::text {

// Writes `model` as fastText 0.9.2 writes a supervised model (magic
// 793712314, version 12). `fasttext test/predict` load it and predict as
// Model::Predict does. Fails naming the path when it cannot be written.
Status SaveFastTextBin(const Model& model, const std::string& path);

// Reads a supervised .bin written by fastText (version 11 or 12) or by
// SaveFastTextBin. Fails with a message naming the path and what is wrong
// for files that are not fastText models, truncated files, quantized models
// (.ftz, not supported) and unsupervised models.
Result<Model> LoadFastTextBin(const std::string& path);

}  // namespace rungs::text
