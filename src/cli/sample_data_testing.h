// Test helper: small labelled data in fastText's line format, generated from
// a seed, learnable (each label has its own words) but not trivially (words
// are shared too, some carry latin-1 bytes). For tests only.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace rungs::cli {

inline std::string SampleFastTextLines(int lines, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* topics[] = {"sport", "politics", "science"};
  std::string text;
  for (int i = 0; i < lines; ++i) {
    int label = static_cast<int>(rng() % 3);
    text += "__label__";
    text += topics[label];
    int words = 6 + static_cast<int>(rng() % 10);
    for (int w = 0; w < words; ++w) {
      text += ' ';
      if (rng() % 3 == 0) {
        text += "shared" + std::to_string(rng() % 50);
      } else {
        text += std::string(topics[label]).substr(0, 3) + std::to_string(rng() % 40);
      }
      if (rng() % 17 == 0) text += "\xe9t\xe9";  // latin-1, not UTF-8
    }
    text += '\n';
  }
  return text;
}

}  // namespace rungs::cli
