// Corpus: a labelled text file parsed once and held as int32 token ids, from
// which trainings of many configurations take their encoded data.
//
// A Corpus is immutable once built, except for its encoding caches, which are
// guarded by `mu_`; every member is safe to call from any number of threads.
// Several trials asking for the same encoding at once share one computation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/args.h"
#include "text/dictionary.h"
#include "text/reader.h"

namespace rungs::text {

// One corpus encoded for one dictionary: what the trainer and evaluation read.
struct Encoded {
  std::shared_ptr<const Dictionary> dict;
  // Example i's input rows are inputs[input_begin[i] .. input_begin[i+1]),
  // its label ids (0..nlabels-1, unknown labels dropped) likewise.
  std::vector<int64_t> input_begin;
  std::vector<int32_t> inputs;
  std::vector<int64_t> label_begin;
  std::vector<int32_t> labels;
  // Tokens fastText counts for the example (labels, words, </s>): the unit of
  // the learning-rate schedule.
  std::vector<int32_t> ntokens;
  int64_t total_tokens = 0;

  int64_t size() const { return static_cast<int64_t>(ntokens.size()); }
  // Heap bytes of the vectors above (the dictionary not included: it may be
  // shared with models and other encodings).
  int64_t bytes() const;
  std::span<const int32_t> Inputs(int64_t i) const {
    return {inputs.data() + input_begin[i], inputs.data() + input_begin[i + 1]};
  }
  std::span<const int32_t> Labels(int64_t i) const {
    return {labels.data() + label_begin[i], labels.data() + label_begin[i + 1]};
  }
};

// What a memory estimate needs of a corpus encoded for some DictArgs
// (text/memory_estimate.h).
struct CorpusStats {
  int64_t examples = 0;
  int32_t nwords = 0;
  int32_t nlabels = 0;
  int64_t input_rows = 0;        // rows of the input matrix: nwords + bucket
  int64_t used_rows = 0;         // distinct input rows the examples use
  int64_t max_example_rows = 0;  // input rows of the longest example
  int64_t dictionary_bytes = 0;  // the Dictionary and the Encoded vectors
};

class Corpus {
 public:
  // Collects examples in order; labels are bare (without prefix).
  class Builder {
   public:
    Builder();
    void Add(std::span<const std::string_view> labels,
             std::span<const std::string_view> words);
    // The corpus; fails when no example was added.
    Result<std::shared_ptr<Corpus>> Finish() &&;

   private:
    std::unique_ptr<Corpus> corpus_;
  };

  // Reads `path` with ReadExamples (unlabelled lines are kept: fastText counts
  // their words too). Fails with the reader's message, or when the file has
  // no example. Differences from fastText's own reading, by design: every
  // example ends in </s> (fastText adds none after a last line without a
  // newline), labels count as met before the words of their line, and
  // fastText's vocabulary pruning at 22.5M distinct tokens is not done.
  static Result<std::shared_ptr<Corpus>> Load(const std::string& path,
                                              const ReadOptions& options);

  int64_t size() const { return static_cast<int64_t>(word_begin_.size()) - 1; }
  int64_t distinct_tokens() const { return static_cast<int64_t>(token_text_begin_.size()) - 1; }
  // Examples with at least one label.
  int64_t labelled() const;
  // Examples with words and no label: training and scoring skip them
  // (an empty line is neither).
  int64_t unlabelled() const;
  // Each distinct label (bare) with how many times it occurs.
  std::map<std::string, int64_t> LabelCounts() const;

  // Training data for `args`: fastText's dictionary built from this corpus and
  // every example encoded with it. Cached on exactly `args` (a few recent
  // encodings are kept; see SetCacheLimits). Fails with the dictionary's
  // error (empty vocabulary).
  Result<std::shared_ptr<const Encoded>> Encode(const DictArgs& args) const;
  // The stats of Encode(args) without making the encoding (nor caching
  // anything): the dictionary is built, and one pass over the examples
  // counts their rows and marks the rows they use. A memory prediction needs
  // no more, and an encoding with character n-grams is hundreds of MB
  // written for nothing (20 Newsgroups: bench/RESULTS.md, predict_bench).
  Result<CorpusStats> Stats(const DictArgs& args) const;
  // This corpus encoded with a given dictionary: another corpus's (for
  // validation and test), or one of this corpus's own encodings made (a
  // resumed trial's), which is then the cached encoding itself. Cached per
  // dictionary.
  Result<std::shared_ptr<const Encoded>> EncodeWith(std::shared_ptr<const Dictionary> dict) const;
  // How many encodings each cache keeps, and how many bytes of them (with
  // the dictionaries of Encode's): the least recently used go first, but the
  // most recent stays whatever its size; encodings still in use stay alive
  // with their users. Default 4 and no byte limit.
  void SetCacheLimits(int count, int64_t bytes) const;
  // The encodings both caches hold now (those still being made left out):
  // memory this corpus keeps between trainings.
  std::vector<std::shared_ptr<const Encoded>> Cached() const;
  // Empties both caches: an encoding no one else uses is freed, and made
  // again when next asked for.
  void DropCache() const;

  Corpus(const Corpus&) = delete;
  Corpus& operator=(const Corpus&) = delete;
  ~Corpus();

 private:
  struct Cache;
  Corpus();
  int32_t Intern(std::string_view text, bool is_label);
  std::string_view TokenText(int32_t id) const;
  Result<Dictionary> BuildDictionary(const DictArgs& args) const;
  // The input rows of each distinct token under `dict` (a word's subwords;
  // an unknown word's character n-grams; nothing for a label): token t's are
  // rows[rows_begin[t] .. rows_begin[t + 1]). `label_id`: each label token's
  // label id, or -1 (not a label, or pruned).
  struct TokenRows {
    std::vector<int64_t> rows_begin;
    std::vector<int32_t> rows;
    std::vector<int32_t> label_id;
  };
  TokenRows RowsOfTokens(const Dictionary& dict) const;
  std::shared_ptr<const Encoded> EncodeAll(std::shared_ptr<const Dictionary> dict) const;
  // How many input rows EncodeAll gives at most, with `rows_begin` its rows
  // per distinct token (exact unless the dictionary is pruned).
  int64_t InputsUpperBound(const std::vector<int64_t>& rows_begin, int word_ngrams) const;

  // Distinct tokens (words and bare labels), in order of first occurrence.
  std::string token_text_;                 // all token texts, back to back
  std::vector<int64_t> token_text_begin_;  // size distinct + 1
  std::vector<uint8_t> token_is_label_;
  std::vector<int64_t> token_count_;
  std::vector<uint32_t> token_hash_;       // FastTextHash of the text
  std::vector<int32_t> token_slots_;       // open addressing over token ids
  int32_t eos_ = -1;
  int64_t total_tokens_ = 0;
  // Example i: words word_ids_[word_begin_[i]..word_begin_[i+1]) (</s> last),
  // labels label_ids_[label_begin_[i]..label_begin_[i+1]).
  std::vector<int64_t> word_begin_;
  std::vector<int32_t> word_ids_;
  std::vector<int64_t> label_begin_;
  std::vector<int32_t> label_ids_;

  mutable std::mutex mu_;
  std::unique_ptr<Cache> cache_;  // GUARDED_BY(mu_)
};

}  // namespace rungs::text
