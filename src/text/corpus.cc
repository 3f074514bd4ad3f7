#include "text/corpus.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <future>
#include <utility>

namespace rungs::text {

// Encodings already made (or being made), least recently used first out.
struct Corpus::Cache {
  using Value = Result<std::shared_ptr<const Encoded>>;
  struct Slot {
    DictArgs args;                               // key of training encodings
    std::shared_ptr<const Dictionary> dict;      // key of encodings against a dictionary
    std::shared_future<Value> value;
    uint64_t last_used = 0;
    // Heap bytes once made (the encoding, and the dictionary of an own
    // encoding); 0 while it is being made.
    int64_t Bytes() const {
      const Encoded* encoded = Made();
      return encoded == nullptr ? 0 : encoded->bytes() + (dict ? 0 : encoded->dict->bytes());
    }
    // The encoding once made without error, else null.
    const Encoded* Made() const {
      if (value.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return nullptr;
      return value.get().ok() ? value.get()->get() : nullptr;
    }
  };
  std::vector<Slot> own;     // Encode()
  std::vector<Slot> others;  // EncodeWith()
  int capacity = 4;
  int64_t max_bytes = INT64_MAX;  // per list; the most recent encoding stays whatever its size
  uint64_t clock = 0;

  // The value of the first slot that `match`es (marked as just used), or an
  // invalid future.
  template <class Match>
  std::shared_future<Value> Find(std::vector<Slot>& slots, Match match) {
    for (Slot& slot : slots) {
      if (match(slot)) {
        slot.last_used = ++clock;
        return slot.value;
      }
    }
    return {};
  }
  void Insert(std::vector<Slot>& slots, Slot slot) {
    slot.last_used = ++clock;
    slots.push_back(std::move(slot));
    Trim(slots);
  }

  void Trim(std::vector<Slot>& slots) const {
    // An encoding against a dictionary that nothing else holds any more (its
    // corpus's cache let it go, no model or job uses it) cannot be asked for
    // again, yet would keep that dictionary alive: 10-50 MB each on 20
    // Newsgroups. Its own reference and its encoding's are the two left.
    std::erase_if(slots, [](const Slot& slot) {
      return slot.dict && slot.Bytes() > 0 && slot.dict.use_count() <= 2;
    });
    auto over = [&] {
      if (static_cast<int>(slots.size()) > capacity) return true;
      int64_t bytes = 0;
      for (const Slot& slot : slots) bytes += slot.Bytes();
      return slots.size() > 1 && bytes > max_bytes;
    };
    while (over()) {
      auto oldest = std::min_element(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
        return a.last_used < b.last_used;
      });
      slots.erase(oldest);
    }
  }
};

int64_t Encoded::bytes() const {
  auto bytes = [](const auto& v) { return static_cast<int64_t>(v.capacity() * sizeof(v[0])); };
  return bytes(input_begin) + bytes(inputs) + bytes(label_begin) + bytes(labels) + bytes(ntokens);
}

Corpus::Corpus() : cache_(std::make_unique<Cache>()) {
  token_text_begin_.push_back(0);
  word_begin_.push_back(0);
  label_begin_.push_back(0);
  token_slots_.assign(1024, -1);
}

Corpus::~Corpus() = default;

std::string_view Corpus::TokenText(int32_t id) const {
  return std::string_view(token_text_).substr(token_text_begin_[id],
                                              token_text_begin_[id + 1] - token_text_begin_[id]);
}

int32_t Corpus::Intern(std::string_view text, bool is_label) {
  const uint32_t h = FastTextHash(text);
  size_t mask = token_slots_.size() - 1;
  size_t slot = (h ^ (is_label ? 0x9e3779b9u : 0u)) & mask;
  for (; token_slots_[slot] != -1; slot = (slot + 1) & mask) {
    int32_t id = token_slots_[slot];
    if (token_hash_[id] == h && token_is_label_[id] == is_label && TokenText(id) == text) {
      return id;
    }
  }
  const int32_t id = static_cast<int32_t>(token_hash_.size());
  token_slots_[slot] = id;
  token_text_.append(text);
  token_text_begin_.push_back(static_cast<int64_t>(token_text_.size()));
  token_is_label_.push_back(is_label);
  token_count_.push_back(0);
  token_hash_.push_back(h);
  if (token_hash_.size() * 2 > token_slots_.size()) {
    // Grow: re-insert every id into a table twice the size.
    token_slots_.assign(token_slots_.size() * 2, -1);
    mask = token_slots_.size() - 1;
    for (int32_t t = 0; t < static_cast<int32_t>(token_hash_.size()); ++t) {
      size_t s = (token_hash_[t] ^ (token_is_label_[t] ? 0x9e3779b9u : 0u)) & mask;
      while (token_slots_[s] != -1) s = (s + 1) & mask;
      token_slots_[s] = t;
    }
  }
  return id;
}

int64_t Corpus::labelled() const {
  int64_t n = 0;
  for (int64_t i = 0; i < size(); ++i) n += label_begin_[i + 1] > label_begin_[i];
  return n;
}

int64_t Corpus::unlabelled() const {
  int64_t n = 0;
  for (int64_t i = 0; i < size(); ++i) {
    n += label_begin_[i + 1] == label_begin_[i] && word_begin_[i + 1] - word_begin_[i] > 1;
  }
  return n;
}

std::map<std::string, int64_t> Corpus::LabelCounts() const {
  std::map<std::string, int64_t> counts;
  for (int32_t id = 0; id < static_cast<int32_t>(token_is_label_.size()); ++id) {
    if (token_is_label_[id]) counts.emplace(TokenText(id), token_count_[id]);
  }
  return counts;
}

Corpus::Builder::Builder() : corpus_(new Corpus()) {}

void Corpus::Builder::Add(std::span<const std::string_view> labels,
                          std::span<const std::string_view> words) {
  Corpus& c = *corpus_;
  // Labels first, then words, then </s>: the order in which fastText meets
  // the tokens of a `__label__x words...` line, which decides how ties of
  // the dictionary sort end up.
  for (std::string_view label : labels) {
    int32_t id = c.Intern(label, true);
    ++c.token_count_[id];
    c.label_ids_.push_back(id);
  }
  for (std::string_view word : words) {
    int32_t id = c.Intern(word, false);
    ++c.token_count_[id];
    c.word_ids_.push_back(id);
  }
  int32_t eos = c.Intern(kEos, false);
  ++c.token_count_[eos];
  c.word_ids_.push_back(eos);
  c.eos_ = eos;
  c.total_tokens_ += static_cast<int64_t>(labels.size() + words.size()) + 1;
  c.word_begin_.push_back(static_cast<int64_t>(c.word_ids_.size()));
  c.label_begin_.push_back(static_cast<int64_t>(c.label_ids_.size()));
}

Result<std::shared_ptr<Corpus>> Corpus::Builder::Finish() && {
  if (corpus_->size() == 0) return Fail("corpus has no example");
  // Growth left up to half of each array unused; a corpus lives long.
  for (auto* v : {&corpus_->word_ids_, &corpus_->label_ids_}) v->shrink_to_fit();
  for (auto* v : {&corpus_->word_begin_, &corpus_->label_begin_, &corpus_->token_text_begin_,
                  &corpus_->token_count_}) {
    v->shrink_to_fit();
  }
  corpus_->token_text_.shrink_to_fit();
  return std::shared_ptr<Corpus>(std::move(corpus_));
}

Result<Dictionary> Corpus::BuildDictionary(const DictArgs& args) const {
  std::vector<Entry> entries;
  entries.reserve(token_count_.size());
  for (int32_t id = 0; id < distinct_tokens(); ++id) {
    Entry e;
    e.type = token_is_label_[id] ? EntryType::kLabel : EntryType::kWord;
    e.word = token_is_label_[id] ? args.label + std::string(TokenText(id)) : std::string(TokenText(id));
    e.count = token_count_[id];
    entries.push_back(std::move(e));
  }
  return Dictionary::Build(std::move(entries), total_tokens_, args);
}

int64_t Corpus::InputsUpperBound(const std::vector<int64_t>& rows_begin, int word_ngrams) const {
  // AppendWordNgrams: from each word, one n-gram per following word, up to n - 1.
  const int64_t longest = word_ngrams > 1 ? word_ngrams - 1 : 0;
  int64_t total = 0;
  for (int64_t i = 0; i < size(); ++i) {
    const int64_t words = word_begin_[i + 1] - word_begin_[i];
    for (int64_t w = word_begin_[i]; w < word_begin_[i + 1]; ++w) {
      total += rows_begin[word_ids_[w] + 1] - rows_begin[word_ids_[w]];
    }
    for (int64_t after = 0; after < words; ++after) total += std::min(longest, after);
  }
  return total;
}

Corpus::TokenRows Corpus::RowsOfTokens(const Dictionary& d) const {
  const int32_t ntok = static_cast<int32_t>(distinct_tokens());
  TokenRows t;
  t.rows_begin.assign(ntok + 1, 0);
  t.label_id.assign(ntok, -1);
  for (int32_t tok = 0; tok < ntok; ++tok) {
    if (token_is_label_[tok]) {
      int32_t id = d.Find(d.args().label + std::string(TokenText(tok)));
      if (id >= d.nwords()) t.label_id[tok] = id - d.nwords();
    } else {
      int32_t id = d.Find(TokenText(tok), token_hash_[tok]);
      if (id >= 0 && id < d.nwords()) {
        auto sub = d.Subwords(id);
        t.rows.insert(t.rows.end(), sub.begin(), sub.end());
      } else {
        d.AppendCharNgrams(TokenText(tok), t.rows);
      }
    }
    t.rows_begin[tok + 1] = static_cast<int64_t>(t.rows.size());
  }
  return t;
}

std::shared_ptr<const Encoded> Corpus::EncodeAll(std::shared_ptr<const Dictionary> dict) const {
  const Dictionary& d = *dict;
  // Rows and label id of each distinct token, computed once.
  const TokenRows t = RowsOfTokens(d);

  auto enc = std::make_shared<Encoded>();
  enc->dict = std::move(dict);
  const int64_t n = size();
  enc->input_begin.reserve(n + 1);
  enc->label_begin.reserve(n + 1);
  enc->ntokens.reserve(n);
  enc->labels.reserve(label_ids_.size());  // exact capacities: Stats counts them
  enc->input_begin.push_back(0);
  enc->label_begin.push_back(0);
  // Sized once: growing by doubling, then shrinking, held up to three times
  // the final size for a moment (hundreds of MB with character n-grams).
  enc->inputs.reserve(InputsUpperBound(t.rows_begin, d.args().word_ngrams));
  std::vector<uint32_t> hashes;
  for (int64_t i = 0; i < n; ++i) {
    hashes.clear();
    for (int64_t w = word_begin_[i]; w < word_begin_[i + 1]; ++w) {
      int32_t tok = word_ids_[w];
      enc->inputs.insert(enc->inputs.end(), t.rows.begin() + t.rows_begin[tok],
                         t.rows.begin() + t.rows_begin[tok + 1]);
      hashes.push_back(token_hash_[tok]);
    }
    d.AppendWordNgrams(hashes, enc->inputs);
    for (int64_t l = label_begin_[i]; l < label_begin_[i + 1]; ++l) {
      int32_t id = t.label_id[label_ids_[l]];
      if (id >= 0) enc->labels.push_back(id);
    }
    enc->input_begin.push_back(static_cast<int64_t>(enc->inputs.size()));
    enc->label_begin.push_back(static_cast<int64_t>(enc->labels.size()));
    const int64_t tokens = (word_begin_[i + 1] - word_begin_[i]) + (label_begin_[i + 1] - label_begin_[i]);
    enc->ntokens.push_back(static_cast<int32_t>(tokens));
    enc->total_tokens += tokens;
  }
  return enc;
}

Result<CorpusStats> Corpus::Stats(const DictArgs& args) const {
  Result<Dictionary> dict = BuildDictionary(args);
  if (!dict.ok()) return dict.error();
  const Dictionary& d = *dict;
  const TokenRows t = RowsOfTokens(d);
  CorpusStats s;
  s.examples = size();
  s.nwords = d.nwords();
  s.nlabels = d.nlabels();
  s.input_rows = d.InputRows();
  std::vector<bool> used(static_cast<size_t>(s.input_rows));
  auto mark = [&](int32_t row) {
    if (!used[row]) {
      used[row] = true;
      ++s.used_rows;
    }
  };
  // Every word token occurs in some example, so all their rows are used.
  for (int32_t row : t.rows) mark(row);
  std::vector<uint32_t> hashes;
  std::vector<int32_t> ngrams;
  for (int64_t i = 0; i < size(); ++i) {
    hashes.clear();
    ngrams.clear();
    int64_t rows = 0;
    for (int64_t w = word_begin_[i]; w < word_begin_[i + 1]; ++w) {
      rows += t.rows_begin[word_ids_[w] + 1] - t.rows_begin[word_ids_[w]];
      hashes.push_back(token_hash_[word_ids_[w]]);
    }
    d.AppendWordNgrams(hashes, ngrams);
    for (int32_t row : ngrams) mark(row);
    s.max_example_rows = std::max<int64_t>(s.max_example_rows, rows + int64_t(ngrams.size()));
  }
  // What EncodeAll's vectors hold (their capacities, as Encoded::bytes counts).
  const int64_t n = size();
  const int64_t inputs = InputsUpperBound(t.rows_begin, args.word_ngrams);
  const int64_t encoded = 2 * (n + 1) * int64_t{sizeof(int64_t)} +
                          (inputs + int64_t(label_ids_.size()) + n) * int64_t{sizeof(int32_t)};
  s.dictionary_bytes = d.bytes() + encoded;
  return s;
}

Result<std::shared_ptr<const Encoded>> Corpus::Encode(const DictArgs& args) const {
  std::shared_future<Cache::Value> existing;
  std::promise<Cache::Value> promise;
  {
    std::lock_guard<std::mutex> lock(mu_);
    existing = cache_->Find(cache_->own, [&](const Cache::Slot& s) { return s.args == args; });
    if (!existing.valid()) cache_->Insert(cache_->own, {args, nullptr, promise.get_future().share()});
  }
  if (existing.valid()) return existing.get();
  // Computed outside the lock; others asking for `args` meanwhile wait on the future.
  Result<Dictionary> dict = BuildDictionary(args);
  Cache::Value value = dict.ok()
      ? Cache::Value(EncodeAll(std::make_shared<const Dictionary>(std::move(dict).value())))
      : Cache::Value(dict.error());
  promise.set_value(value);
  std::lock_guard<std::mutex> lock(mu_);  // its size is known now
  cache_->Trim(cache_->own);
  return value;
}

Result<std::shared_ptr<const Encoded>> Corpus::EncodeWith(
    std::shared_ptr<const Dictionary> dict) const {
  std::shared_future<Cache::Value> existing;
  std::promise<Cache::Value> promise;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // This corpus's own encoding made that dictionary (a resumed trial's
    // training data), or one made against it before.
    existing = cache_->Find(cache_->own, [&](const Cache::Slot& s) {
      return s.Made() != nullptr && s.Made()->dict == dict;
    });
    if (!existing.valid()) {
      existing = cache_->Find(cache_->others, [&](const Cache::Slot& s) { return s.dict == dict; });
    }
    if (!existing.valid()) {
      cache_->Insert(cache_->others, {DictArgs{}, dict, promise.get_future().share()});
    }
  }
  if (existing.valid()) return existing.get();
  Cache::Value value(EncodeAll(std::move(dict)));
  promise.set_value(value);
  std::lock_guard<std::mutex> lock(mu_);  // its size is known now
  cache_->Trim(cache_->others);
  return value;
}

std::vector<std::shared_ptr<const Encoded>> Corpus::Cached() const {
  std::vector<std::shared_ptr<const Encoded>> cached;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto* slots : {&cache_->own, &cache_->others}) {
    for (const Cache::Slot& slot : *slots) {
      const bool ready = slot.value.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      if (ready && slot.value.get().ok()) cached.push_back(*slot.value.get());
    }
  }
  return cached;
}

void Corpus::DropCache() const {
  std::vector<Cache::Slot> own, others;  // freed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  own.swap(cache_->own);
  others.swap(cache_->others);
}

void Corpus::SetCacheLimits(int count, int64_t bytes) const {
  std::lock_guard<std::mutex> lock(mu_);
  cache_->capacity = std::max(1, count);
  cache_->max_bytes = bytes;
  cache_->Trim(cache_->own);
  cache_->Trim(cache_->others);
}

}  // namespace rungs::text
