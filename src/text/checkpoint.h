// Checkpoint files: a Checkpoint (trainer.h) on disk, versioned; the format
// is in doc/checkpoint.md. The dictionary is not stored, only a fingerprint
// of it: loading needs the same encoded corpus (Corpus::Encode with the
// saved DictArgs).
#pragma once

#include <string>

#include "base/status.h"
#include "text/corpus.h"
#include "text/trainer.h"

namespace rungs::text {

// Writes atomically (temporary file, then rename). Fails naming the path.
Status SaveCheckpoint(const Checkpoint& checkpoint, const std::string& path);

// Reads a checkpoint written for `data`. Fails naming the path and field for
// a wrong magic/version, a truncated file, or a dictionary fingerprint that
// does not match data.dict.
Result<Checkpoint> LoadCheckpoint(const std::string& path, const Encoded& data);

// DictArgs stored in a checkpoint file, so the caller can encode the corpus
// before LoadCheckpoint.
Result<DictArgs> ReadCheckpointDictArgs(const std::string& path);

}  // namespace rungs::text
