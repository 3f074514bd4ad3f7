#include "text/preprocessing.h"

namespace rungs::text {

std::string PreprocessingName(const Preprocessing& preprocessing) {
  return preprocessing.normalize ? "normalize" : "none";
}

std::string DescribePreprocessing(const Preprocessing& preprocessing) {
  if (!preprocessing.normalize) return "none (text is used as it is)";
  return "normalize (lowercase ASCII, punctuation split off); for fastText: rungs normalize < in > out";
}

}  // namespace rungs::text
