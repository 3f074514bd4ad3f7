// TrainArgs: the options of a supervised fastText training, named after
// fastText's flags, with fastText 0.9.2's defaults for `supervised`.
//
// Plain value type; not synchronized (copy it per thread).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::text {

// The values are fastText's `loss_name` numbers, as stored in a .bin.
enum class Loss : int32_t { kHs = 1, kNs = 2, kSoftmax = 3, kOva = 4 };

// "softmax", "ns", "hs", "ova" -> Loss; anything else fails naming the value.
Result<Loss> ParseLoss(std::string_view name);
std::string_view LossName(Loss loss);

// The options that decide the dictionary and the encoded input ids. Two
// trainings with equal DictArgs share one encoding of a corpus.
struct DictArgs {
  int min_count = 1;        // -minCount: words seen fewer times are dropped
  int min_count_label = 0;  // -minCountLabel: same for labels
  int word_ngrams = 1;      // -wordNgrams: max length of word n-grams
  int bucket = 2000000;     // -bucket: hash buckets for word and char n-grams
  int minn = 0;             // -minn: min length of char n-grams (0: none)
  int maxn = 0;             // -maxn: max length of char n-grams (0: none)
  std::string label = "__label__";  // -label: prefix of label entries

  // fastText sets bucket to 0 when there are neither word nor char n-grams.
  int EffectiveBucket() const { return word_ngrams <= 1 && maxn == 0 ? 0 : bucket; }
  auto operator<=>(const DictArgs&) const = default;
};

struct TrainArgs {
  DictArgs dict;
  double lr = 0.1;            // -lr: learning rate at the start of the schedule
  int dim = 100;              // -dim: size of word vectors
  int ws = 5;                 // -ws: stored in .bin only (unused by supervised)
  int epoch = 5;              // -epoch: number of passes over the data
  int neg = 5;                // -neg: negatives sampled per example (ns)
  Loss loss = Loss::kSoftmax; // -loss
  int thread = 12;            // -thread: Hogwild threads
  int lr_update_rate = 100;   // -lrUpdateRate: tokens between lr updates
  double t = 1e-4;            // -t: sampling threshold (stored in .bin only)
  int seed = 0;               // -seed: weights init, per-thread RNGs, shuffle
  int verbose = 2;            // -verbose: 0 quiet; >0 lets callers print progress
  // Not fastText flags:
  bool keep_order = false;    // train in corpus order instead of shuffled with `seed`
  int64_t memory_limit_bytes = int64_t{4} << 30;  // refuse larger weight matrices

  // OK, or the first problem found, naming the flag: "-dim must be in
  // [1, 10000], got 0", "-maxn (3) must be >= -minn (5)", ...
  Status Validate() const;
};

}  // namespace rungs::text
