#include "text/dictionary.h"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>

namespace rungs::text {
namespace {

// fastText keeps word hashes in int32 and widens them with sign extension
// before mixing word n-grams; so do we, to land in the same buckets.
uint64_t Widen(uint32_t h) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(h)));
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

uint32_t FastTextHash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<uint32_t>(static_cast<int8_t>(c));
    h *= 16777619u;
  }
  return h;
}

int32_t WordNgramBucket(std::span<const uint32_t> hashes, int32_t bucket) {
  uint64_t h = Widen(hashes[0]);
  for (size_t j = 1; j < hashes.size(); ++j) h = h * 116049371u + Widen(hashes[j]);
  return static_cast<int32_t>(h % static_cast<uint64_t>(bucket));
}

Dictionary::Dictionary(std::vector<Entry> entries, int64_t ntokens, const DictArgs& args,
                       int32_t bucket, std::optional<std::vector<PrunedNgram>> pruned)
    : args_(args), bucket_(bucket), entries_(std::move(entries)),
      ntokens_(ntokens) {
  if (pruned) {
    pruned_size_ = static_cast<int64_t>(pruned->size());
    for (const PrunedNgram& p : *pruned) pruned_index_[p.bucket] = p.index;
  }
  IndexEntries();
  ComputeSubwords();
}

Result<Dictionary> Dictionary::Build(std::vector<Entry> entries, int64_t ntokens,
                                     const DictArgs& args) {
  // fastText's threshold(): an unstable std::sort on the same sequence with
  // the same comparator leaves ties where fastText leaves them.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.type != b.type) return a.type < b.type;
    return a.count > b.count;
  });
  std::erase_if(entries, [&](const Entry& e) {
    return (e.type == EntryType::kWord && e.count < args.min_count) ||
           (e.type == EntryType::kLabel && e.count < args.min_count_label);
  });
  if (entries.empty()) {
    return Fail("empty vocabulary: no word or label is left with -minCount " +
                std::to_string(args.min_count) + " and -minCountLabel " +
                std::to_string(args.min_count_label));
  }
  return Dictionary(std::move(entries), ntokens, args, args.EffectiveBucket(), std::nullopt);
}

Result<Dictionary> Dictionary::FromSorted(std::vector<Entry> entries, int64_t ntokens,
                                          const DictArgs& args,
                                          std::optional<std::vector<PrunedNgram>> pruned) {
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i - 1].type == EntryType::kLabel && entries[i].type == EntryType::kWord) {
      return Fail("dictionary entry " + std::to_string(i) + " ('" + entries[i].word +
                  "') is a word after a label; words must come first");
    }
  }
  if (pruned) {
    std::vector<bool> seen(pruned->size());
    for (const PrunedNgram& p : *pruned) {
      if (p.bucket < 0 || p.bucket >= args.bucket || p.index < 0 ||
          p.index >= static_cast<int32_t>(pruned->size()) || seen[p.index]) {
        return Fail("pruned n-gram (bucket " + std::to_string(p.bucket) + ", index " +
                    std::to_string(p.index) + ") is out of range or repeated");
      }
      seen[p.index] = true;
    }
  }
  return Dictionary(std::move(entries), ntokens, args, args.bucket, std::move(pruned));
}

Result<Dictionary> Dictionary::Prune(std::span<const int32_t> kept_rows,
                                     std::vector<int32_t>& row_order) const {
  if (pruned()) return Fail("the dictionary is pruned already");
  std::vector<int32_t> words;
  std::vector<PrunedNgram> ngrams;
  row_order.clear();
  for (int32_t row : kept_rows) {
    if (row < 0 || row >= InputRows()) return Fail("row " + std::to_string(row) + " out of range");
    if (row < nwords_) {
      words.push_back(row);
    } else {
      ngrams.push_back({row - nwords_, static_cast<int32_t>(ngrams.size())});
    }
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::vector<Entry> entries;
  for (int32_t w : words) {
    entries.push_back(entries_[w]);
    row_order.push_back(w);
  }
  for (int32_t i = nwords_; i < size(); ++i) entries.push_back(entries_[i]);
  for (const PrunedNgram& n : ngrams) row_order.push_back(nwords_ + n.bucket);
  // fastText marks a dictionary without any kept n-gram as pruned too
  // (pruneidx_size 0): n-grams then add no row at all.
  return FromSorted(std::move(entries), ntokens_, args_, std::move(ngrams));
}

std::vector<PrunedNgram> Dictionary::PrunedNgrams() const {
  std::vector<PrunedNgram> out(pruned_index_.size());
  for (const auto& [bucket, index] : pruned_index_) out[index] = {bucket, index};
  return out;
}

void Dictionary::IndexEntries() {
  nwords_ = 0;
  for (const Entry& e : entries_) nwords_ += e.type == EntryType::kWord;
  size_t capacity = std::bit_ceil(std::max<size_t>(16, entries_.size() * 2));
  slots_.assign(capacity, -1);
  const size_t mask = capacity - 1;
  for (int32_t id = 0; id < size(); ++id) {
    size_t slot = FastTextHash(entries_[id].word) & mask;
    while (slots_[slot] != -1) slot = (slot + 1) & mask;
    slots_[slot] = id;
  }
}

int32_t Dictionary::Find(std::string_view word, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    int32_t id = slots_[slot];
    if (id == -1 || entries_[id].word == word) return id;
  }
}

int64_t Dictionary::bytes() const {
  int64_t total = static_cast<int64_t>(entries_.capacity() * sizeof(Entry) +
                                       slots_.capacity() * sizeof(int32_t) +
                                       subword_begin_.capacity() * sizeof(int64_t) +
                                       subword_rows_.capacity() * sizeof(int32_t));
  constexpr size_t kInlineString = 15;  // libstdc++ keeps shorter strings inside
  for (const Entry& e : entries_) {
    if (e.word.capacity() > kInlineString) total += static_cast<int64_t>(e.word.capacity() + 1);
  }
  return total;
}

std::vector<int64_t> Dictionary::LabelCounts() const {
  std::vector<int64_t> counts;
  for (int32_t i = nwords_; i < size(); ++i) counts.push_back(entries_[i].count);
  return counts;
}

void Dictionary::ComputeSubwords() {
  subword_begin_.assign(1, 0);
  subword_rows_.clear();
  for (int32_t id = 0; id < nwords_; ++id) {
    subword_rows_.push_back(id);
    if (entries_[id].word != kEos) AppendCharNgrams(entries_[id].word, subword_rows_);
    subword_begin_.push_back(static_cast<int64_t>(subword_rows_.size()));
  }
}

std::span<const int32_t> Dictionary::Subwords(int32_t id) const {
  return {subword_rows_.data() + subword_begin_[id], subword_rows_.data() + subword_begin_[id + 1]};
}

void Dictionary::AppendCharNgrams(std::string_view word, std::vector<int32_t>& rows) const {
  if (args_.maxn <= 0 || word == kEos) return;
  std::string wrapped;
  wrapped.reserve(word.size() + 2);
  wrapped.append("<").append(word).append(">");
  const size_t len = wrapped.size();
  const size_t maxn = static_cast<size_t>(args_.maxn);
  const size_t minn = static_cast<size_t>(args_.minn);
  // n counts UTF-8 characters; single characters at either end ("<", ">")
  // are skipped as fastText does.
  for (size_t i = 0; i < len; ++i) {
    if (IsUtf8Continuation(wrapped[i])) continue;
    size_t j = i;
    for (size_t n = 1; j < len && n <= maxn; ++n) {
      ++j;
      while (j < len && IsUtf8Continuation(wrapped[j])) ++j;
      if (n >= minn && !(n == 1 && (i == 0 || j == len))) {
        uint32_t h = FastTextHash(std::string_view(wrapped).substr(i, j - i));
        AppendBucket(h % static_cast<uint32_t>(bucket_), rows);
      }
    }
  }
}

void Dictionary::AppendWordNgrams(std::span<const uint32_t> hashes,
                                  std::vector<int32_t>& rows) const {
  // Fewer than 2, negative too (a damaged .bin), means no word n-grams, as
  // in fastText; tested before the cast, which would make it huge.
  if (args_.word_ngrams <= 1) return;
  const size_t n = static_cast<size_t>(args_.word_ngrams);
  const uint64_t bucket = static_cast<uint64_t>(bucket_);
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint64_t h = Widen(hashes[i]);
    for (size_t j = i + 1; j < hashes.size() && j < i + n; ++j) {
      h = h * 116049371u + Widen(hashes[j]);
      AppendBucket(static_cast<uint32_t>(h % bucket), rows);
    }
  }
}

void Dictionary::EncodeLine(std::span<const std::string_view> words, std::vector<int32_t>& rows,
                            std::vector<uint32_t>& scratch_hashes) const {
  rows.clear();
  scratch_hashes.clear();
  auto add = [&](std::string_view word) {
    uint32_t h = FastTextHash(word);
    int32_t id = Find(word, h);
    if (id >= 0 && id < nwords_) {
      auto sub = Subwords(id);
      rows.insert(rows.end(), sub.begin(), sub.end());
    } else {
      AppendCharNgrams(word, rows);
    }
    scratch_hashes.push_back(h);
  };
  for (std::string_view word : words) {
    if (word.starts_with(args_.label)) continue;
    add(word);
  }
  add(kEos);
  AppendWordNgrams(scratch_hashes, rows);
}

}  // namespace rungs::text
