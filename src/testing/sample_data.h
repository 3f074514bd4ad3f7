// Test helper: small labelled data in fastText's line format, generated from
// a seed, learnable (each label has its own words) but not trivially (words
// are shared too, some carry latin-1 bytes).
#pragma once

#include <cstdint>
#include <iterator>
#include <random>
#include <string>

namespace rungs::testing {

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

// Like SampleFastTextLines, but raw text as people write it: words in mixed
// case with punctuation attached ("Spo12," "(SHARED3)" "sci4's"), which
// normalization changes. Labels stay as they are. One line in five has the
// words of another label, so no model scores 1.
inline std::string SampleRawFastTextLines(int lines, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* topics[] = {"sport", "politics", "science"};
  const char* before[] = {"", "", "", "(", "\"", "--"};
  const char* after[] = {"", "", "", ",", ".", "!!", ")", "'s", "?\""};
  std::string text;
  for (int i = 0; i < lines; ++i) {
    int label = static_cast<int>(rng() % 3);
    int topic = rng() % 5 == 0 ? (label + 1 + static_cast<int>(rng() % 2)) % 3 : label;
    text += "__label__";
    text += topics[label];
    int words = 6 + static_cast<int>(rng() % 10);
    for (int w = 0; w < words; ++w) {
      std::string word = rng() % 3 == 0 ? "shared" + std::to_string(rng() % 50)
                                        : std::string(topics[topic]).substr(0, 3) +
                                              std::to_string(rng() % 40);
      switch (rng() % 3) {
        case 0: word[0] = static_cast<char>(word[0] - 'a' + 'A'); break;
        case 1:
          for (char& c : word) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
          break;
        default: break;
      }
      if (rng() % 17 == 0) word += "\xe9t\xe9";  // latin-1, not UTF-8
      text += ' ';
      text += before[rng() % std::size(before)];
      text += word;
      text += after[rng() % std::size(after)];
    }
    text += '\n';
  }
  return text;
}

}  // namespace rungs::testing
