// Test helper for the classifier core: a synthetic labelled corpus written
// both into a Corpus (in memory) and into a fastText-format file, and bitwise
// comparison of matrices.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "text/corpus.h"
#include "text/lazy_matrix.h"
#include "text/matrix.h"

namespace rungs::testing {

// Same shape and the same bits in every element.
inline bool SameBits(const text::Matrix& a, const text::Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.bytes())) == 0;
}

// Same shape, the same rows present, and the same bits in every present row.
inline bool SameBits(const text::LazyMatrix& a, const text::LazyMatrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (int64_t i = 0; i < a.rows(); ++i) {
    const float* x = a.RowIfPresent(i);
    const float* y = b.RowIfPresent(i);
    if ((x == nullptr) != (y == nullptr)) return false;
    if (x != nullptr && std::memcmp(x, y, static_cast<size_t>(a.cols()) * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

struct SyntheticExample {
  std::vector<std::string> labels;  // bare
  std::vector<std::string> words;
};

// `n` examples over `nlabels` labels: each example draws most words from
// its label's own vocabulary and some from a shared one, so the task is
// learnable but not trivial. Deterministic in `seed`. Includes UTF-8 and
// high-byte words so hashing quirks are exercised.
inline std::vector<SyntheticExample> MakeExamples(int n, int nlabels, uint32_t seed,
                                                  int words_per_example = 12) {
  std::mt19937 rng(seed);
  std::vector<SyntheticExample> out;
  const std::array<std::string, 6> shared = {"the", "a", "of", "caf\xc3\xa9", "na\xc3\xafve", "x\xe2\x82\xacy"};
  for (int i = 0; i < n; ++i) {
    SyntheticExample e;
    const int label = static_cast<int>(rng() % nlabels);
    e.labels.push_back("c" + std::to_string(label));
    if (rng() % 10 == 0) e.labels.push_back("c" + std::to_string((label + 1) % nlabels));
    for (int w = 0; w < words_per_example; ++w) {
      if (rng() % 3 == 0) {
        e.words.push_back(shared[rng() % shared.size()]);
      } else {
        // Zipf-ish: small ids are frequent, so counts have many ties.
        const int id = static_cast<int>(rng() % 7) * static_cast<int>(rng() % 5);
        e.words.push_back("w" + std::to_string(label) + "_" + std::to_string(id));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

inline std::shared_ptr<text::Corpus> BuildCorpus(const std::vector<SyntheticExample>& examples) {
  text::Corpus::Builder builder;
  for (const SyntheticExample& e : examples) {
    std::vector<std::string_view> labels(e.labels.begin(), e.labels.end());
    std::vector<std::string_view> words(e.words.begin(), e.words.end());
    builder.Add(labels, words);
  }
  auto corpus = std::move(builder).Finish();
  EXPECT_TRUE(corpus.ok());
  return *corpus;
}

// fastText lines: "__label__a __label__b w1 w2 ...\n".
inline void WriteFastTextFile(const std::vector<SyntheticExample>& examples,
                              const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const SyntheticExample& e : examples) {
    std::string line;
    for (const std::string& l : e.labels) line += "__label__" + l + " ";
    for (const std::string& w : e.words) line += w + " ";
    line.back() = '\n';
    out << line;
  }
}

// The fastText peer, Debian's fastText 0.9.2.
inline constexpr char kFastText[] = "/usr/bin/fasttext";
inline bool HaveFastText() { return std::filesystem::exists(kFastText); }

}  // namespace rungs::testing
