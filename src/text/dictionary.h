// Dictionary: fastText 0.9.2's vocabulary of words and labels, with its exact
// ids, ordering, hashing and n-gram buckets, so models move to and from
// fastText .bin files unchanged.
//
// Ids: words 0..nwords-1 (most frequent first), then labels; input-matrix
// rows are word ids, then nwords + bucket for hashed word/char n-grams.
// Immutable after construction; every const member is safe to call from any
// number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/args.h"

namespace rungs::text {

// fastText's end-of-line word, appended to every line.
inline constexpr std::string_view kEos = "</s>";

// fastText's FNV-1a variant: bytes are sign-extended (h ^= uint32_t(int8_t(b)))
// before the xor, as fastText does on every platform.
uint32_t FastTextHash(std::string_view s);

// The bucket (0..bucket-1) of the word n-gram whose words have fastText
// hashes `hashes` (two or more): h = h * 116049371 + next, over 64 bits from
// the sign-extended first hash, modulo bucket.
int32_t WordNgramBucket(std::span<const uint32_t> hashes, int32_t bucket);

enum class EntryType : int8_t { kWord = 0, kLabel = 1 };

// A pruned dictionary's n-gram: its hash bucket and its index among the kept
// n-grams (input row nwords + index).
struct PrunedNgram {
  int32_t bucket = 0;
  int32_t index = 0;
};

struct Entry {
  std::string word;  // labels include the label prefix ("__label__sport")
  int64_t count = 0;
  EntryType type = EntryType::kWord;
};

class Dictionary {
 public:
  // fastText's readFromFile + threshold: `entries` in order of first
  // occurrence with their counts, `ntokens` every token read (labels and
  // </s> included). Sorts words before labels, each by decreasing count
  // (fastText's std::sort, so ties end up exactly where fastText puts them),
  // then drops words below min_count and labels below min_count_label.
  // Fails when nothing is left ("empty vocabulary").
  static Result<Dictionary> Build(std::vector<Entry> entries, int64_t ntokens,
                                  const DictArgs& args);
  // Entries already in fastText order (as stored in a .bin); no pruning, and
  // args.bucket is taken as given (fastText stores the bucket it used).
  // `pruned` is a quantized model's n-gram map (see Prune); nullopt when the
  // dictionary was not pruned. Fails when words do not precede labels or a
  // pruned n-gram is out of range.
  static Result<Dictionary> FromSorted(std::vector<Entry> entries, int64_t ntokens,
                                       const DictArgs& args,
                                       std::optional<std::vector<PrunedNgram>> pruned = {});

  // fastText's Dictionary::prune, as `quantize -cutoff` uses it: keeps the
  // words and n-gram buckets among `kept_rows` (input rows of this
  // dictionary, which must not be pruned already) and every label. Word ids
  // keep their order; kept n-grams get rows nwords + 0, 1, ... in the order
  // of `kept_rows`, and n-grams not kept contribute no row. `row_order`
  // receives the old input row of each new row.
  Result<Dictionary> Prune(std::span<const int32_t> kept_rows,
                           std::vector<int32_t>& row_order) const;

  int32_t nwords() const { return nwords_; }
  int32_t nlabels() const { return static_cast<int32_t>(entries_.size()) - nwords_; }
  int32_t size() const { return static_cast<int32_t>(entries_.size()); }
  int64_t ntokens() const { return ntokens_; }
  const DictArgs& args() const { return args_; }
  // Hash buckets in use (Build: args.EffectiveBucket(); FromSorted: as stored).
  int32_t bucket() const { return bucket_; }
  // Rows of the input matrix: nwords + bucket, or nwords + kept n-grams
  // when pruned.
  int64_t InputRows() const { return int64_t{nwords_} + (pruned() ? pruned_size_ : bucket_); }
  bool pruned() const { return pruned_size_ >= 0; }
  // The kept n-grams of a pruned dictionary, by index.
  std::vector<PrunedNgram> PrunedNgrams() const;
  const std::vector<Entry>& entries() const { return entries_; }

  // Heap bytes this dictionary holds (entries, index, subword lists).
  int64_t bytes() const;

  // Id of `word` (word or label entry), or -1. `hash` is FastTextHash(word).
  int32_t Find(std::string_view word, uint32_t hash) const;
  int32_t Find(std::string_view word) const { return Find(word, FastTextHash(word)); }
  // Label entry name of label id 0..nlabels-1.
  const std::string& Label(int32_t label_id) const { return entries_[nwords_ + label_id].word; }
  std::vector<int64_t> LabelCounts() const;

  // Input rows of word id `id`: the id itself, then (maxn > 0) its char n-grams.
  std::span<const int32_t> Subwords(int32_t id) const;
  // Input rows of the char n-grams of "<" + word + ">" (what an
  // out-of-vocabulary word contributes); nothing for </s>.
  void AppendCharNgrams(std::string_view word, std::vector<int32_t>& rows) const;
  // Input rows of all word n-grams (2..word_ngrams) of a line of word hashes.
  void AppendWordNgrams(std::span<const uint32_t> hashes, std::vector<int32_t>& rows) const;

  // fastText's getLine for a line of words: rows of every word (subwords;
  // unknown words only their char n-grams), then word n-gram rows. Words
  // starting with the label prefix are skipped, and </s> is appended, as
  // fastText reads it at the end of each line.
  void EncodeLine(std::span<const std::string_view> words, std::vector<int32_t>& rows,
                  std::vector<uint32_t>& scratch_hashes) const;

 private:
  Dictionary(std::vector<Entry> entries, int64_t ntokens, const DictArgs& args, int32_t bucket,
             std::optional<std::vector<PrunedNgram>> pruned);
  void IndexEntries();
  void ComputeSubwords();
  // Adds the input row of n-gram bucket `b`, if it has one.
  void AppendBucket(uint32_t b, std::vector<int32_t>& rows) const {
    if (pruned_size_ < 0) {
      rows.push_back(nwords_ + static_cast<int32_t>(b));
    } else if (auto it = pruned_index_.find(static_cast<int32_t>(b)); it != pruned_index_.end()) {
      rows.push_back(nwords_ + it->second);
    }
  }

  DictArgs args_;
  int32_t bucket_ = 0;
  // fastText's pruneidx: -1 when not pruned, else the number of kept n-grams,
  // each bucket mapped to its index.
  int64_t pruned_size_ = -1;
  std::unordered_map<int32_t, int32_t> pruned_index_;
  std::vector<Entry> entries_;
  int32_t nwords_ = 0;
  int64_t ntokens_ = 0;
  // Open addressing over fastText hashes, sized to the vocabulary (a power
  // of two at least twice the entry count); -1 marks an empty slot.
  std::vector<int32_t> slots_;
  // Subwords(i) is subword_rows_[subword_begin_[i] .. subword_begin_[i+1]).
  std::vector<int64_t> subword_begin_;
  std::vector<int32_t> subword_rows_;
};

}  // namespace rungs::text
