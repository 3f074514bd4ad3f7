// Preprocessing: what is done to text before it is split into words. It must
// be the same at train, test and predict time, so a model rungs writes
// records it (the rungs trailer of its .bin, doc/fasttext-bin.md) and rungs
// applies it by itself wherever the model is used.
//
// Plain value type.
#pragma once

#include <string>

namespace rungs::text {

struct Preprocessing {
  bool normalize = false;  // ASCII lowercase, punctuation split off (words.h)
  bool operator==(const Preprocessing&) const = default;
};

// The steps by name, for files and JSON: "none" or "normalize".
std::string PreprocessingName(const Preprocessing& preprocessing);

// The steps for people, with what a fastText user must do to text first:
// "none (text is used as it is)", or "normalize (lowercase ASCII, punctuation
// split off); for fastText: rungs normalize < in > out".
std::string DescribePreprocessing(const Preprocessing& preprocessing);

}  // namespace rungs::text
