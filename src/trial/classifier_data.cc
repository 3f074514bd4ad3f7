#include "trial/classifier_data.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

namespace rungs::trial {
namespace {

constexpr int kEncodingsKept = 4;  // per corpus, within encoding_cache_bytes

Result<std::shared_ptr<const text::Corpus>> Finish(text::Corpus::Builder builder,
                                                   const std::string& what) {
  auto corpus = std::move(builder).Finish();
  if (!corpus.ok()) return Fail(what + ": " + corpus.message());
  return std::shared_ptr<const text::Corpus>(*corpus);
}

// 0 .. n-1 in an order seeded by `seed`.
std::vector<int64_t> ShuffledOrder(int64_t n, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// Which of `n` examples go to validation: a seeded choice of exactly
// round(fraction * n) of them.
std::vector<bool> ValidationMask(int64_t n, double fraction, uint64_t seed) {
  const std::vector<int64_t> order = ShuffledOrder(n, seed);
  std::vector<bool> valid(static_cast<size_t>(n), false);
  auto count = static_cast<int64_t>(std::llround(fraction * static_cast<double>(n)));
  for (int64_t i = 0; i < count; ++i) valid[static_cast<size_t>(order[i])] = true;
  return valid;
}

// Which of `folds` parts each of `n` examples is in: a seeded shuffle dealt
// out in turn, so the parts' sizes differ by one at most.
std::vector<int> FoldOf(int64_t n, int folds, uint64_t seed) {
  const std::vector<int64_t> order = ShuffledOrder(n, seed);
  std::vector<int> part(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) part[static_cast<size_t>(order[i])] = static_cast<int>(i % folds);
  return part;
}

}  // namespace

Result<TrainValid> ClassifierData::Get(bool normalize) {
  std::lock_guard<std::mutex> reading(read_mu_);  // one reader at a time: parsing is I/O bound
  auto& slot = variants_[normalize ? 1 : 0];
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (slot) return *slot;
  }
  Result<TrainValid> read = Read(normalize);
  if (!read.ok()) return read.error();
  for (const auto* corpus : {read->train.get(), read->valid.get()}) {
    corpus->SetCacheLimits(kEncodingsKept, spec_.encoding_cache_bytes);
  }
  std::lock_guard<std::mutex> lock(mu_);
  slot = std::make_shared<TrainValid>(std::move(*read));
  return *slot;
}

std::vector<std::shared_ptr<const text::Encoded>> ClassifierData::CachedEncodings() {
  std::vector<std::shared_ptr<const text::Encoded>> cached;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& variant : variants_) {
    if (!variant) continue;
    for (const auto* corpus : {variant->train.get(), variant->valid.get()}) {
      for (auto& encoded : corpus->Cached()) cached.push_back(std::move(encoded));
    }
  }
  return cached;
}

void ClassifierData::DropCachedEncodings() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& variant : variants_) {
    if (!variant) continue;
    variant->train->DropCache();
    variant->valid->DropCache();
  }
}

Result<TrainValid> ClassifierData::Read(bool normalize) const {
  text::ReadOptions options = spec_.read;
  options.normalize = normalize;
  options.keep_unlabelled = true;  // as Corpus::Load: fastText counts their words too
  if (spec_.folds > 0) return ReadFold(options);
  if (!spec_.valid.empty()) {
    auto valid = text::Corpus::Load(spec_.valid, options);
    if (!valid.ok()) return valid.error();
    if (spec_.train_on_valid_too) {
      text::Corpus::Builder both;
      for (const std::string& path : {spec_.train, spec_.valid}) {
        auto read = text::ReadExamples(path, options, [&both](const text::Example& e) {
          both.Add(e.labels, e.words);
          return Status::Ok();
        });
        if (!read.ok()) return read.error();
      }
      auto train = Finish(std::move(both), spec_.train + " + " + spec_.valid);
      if (!train.ok()) return train.error();
      return TrainValid{*train, *valid};
    }
    auto train = text::Corpus::Load(spec_.train, options);
    if (!train.ok()) return train.error();
    return TrainValid{*train, *valid};
  }
  if (!(spec_.valid_fraction > 0 && spec_.valid_fraction < 1)) {
    return Fail("the validation fraction must be in (0, 1), got " +
                std::to_string(spec_.valid_fraction));
  }
  // Count first, so that the split takes an exact share whatever the order.
  int64_t n = 0, labelled = 0;
  auto counted = text::ReadExamples(spec_.train, options, [&](const text::Example& e) {
    ++n;
    if (!e.labels.empty()) ++labelled;
    return Status::Ok();
  });
  if (!counted.ok()) return counted.error();
  // A file without labels is refused as `rungs train` refuses it, before a
  // split too small to leave validation rows can say something less useful.
  if (labelled == 0) {
    options.format = text::ResolveFormat(spec_.train, options.format);
    return text::NoLabelError(spec_.train, options, n);
  }
  std::vector<bool> is_valid = ValidationMask(n, spec_.valid_fraction, spec_.split_seed);
  // Named here: a part left empty would only be "corpus has no example".
  const auto held_out = std::count(is_valid.begin(), is_valid.end(), true);
  if (held_out == 0 || (held_out == n && !spec_.train_on_valid_too)) {
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%g", spec_.valid_fraction);
    return Fail(spec_.train + ": a validation fraction of " + fraction + " of its " +
                std::to_string(n) + " lines leaves " +
                (held_out == 0 ? "no line to validate on" : "no line to train on") +
                "; give another --valid-fraction, or --valid FILE");
  }

  text::Corpus::Builder train, valid;
  int64_t i = 0;
  auto routed = text::ReadExamples(spec_.train, options, [&](const text::Example& e) {
    bool in_valid = is_valid[static_cast<size_t>(i++)];
    if (in_valid) valid.Add(e.labels, e.words);
    if (!in_valid || spec_.train_on_valid_too) train.Add(e.labels, e.words);
    return Status::Ok();
  });
  if (!routed.ok()) return routed.error();
  auto train_corpus = Finish(std::move(train), spec_.train + " (training part)");
  if (!train_corpus.ok()) return train_corpus.error();
  auto valid_corpus = Finish(std::move(valid), spec_.train + " (validation part)");
  if (!valid_corpus.ok()) return valid_corpus.error();
  return TrainValid{*train_corpus, *valid_corpus};
}

Result<TrainValid> ClassifierData::ReadFold(const text::ReadOptions& options) const {
  if (!(spec_.fold >= 0 && spec_.fold < spec_.folds)) {
    return Fail("fold " + std::to_string(spec_.fold) + " of " + std::to_string(spec_.folds) +
                " does not exist");
  }
  std::vector<std::string> paths = {spec_.train};
  if (!spec_.valid.empty()) paths.push_back(spec_.valid);
  int64_t n = 0;
  for (const std::string& path : paths) {
    auto counted = text::ReadExamples(path, options, [&n](const text::Example&) {
      ++n;
      return Status::Ok();
    });
    if (!counted.ok()) return counted.error();
  }
  const std::vector<int> part = FoldOf(n, spec_.folds, spec_.split_seed);
  text::Corpus::Builder train, valid;
  int64_t i = 0;
  for (const std::string& path : paths) {
    auto routed = text::ReadExamples(path, options, [&](const text::Example& e) {
      (part[static_cast<size_t>(i++)] == spec_.fold ? valid : train).Add(e.labels, e.words);
      return Status::Ok();
    });
    if (!routed.ok()) return routed.error();
  }
  const std::string name = "fold " + std::to_string(spec_.fold + 1) + " of " +
                           std::to_string(spec_.folds) + " of " + spec_.train;
  auto train_corpus = Finish(std::move(train), name + " (training part)");
  if (!train_corpus.ok()) return train_corpus.error();
  auto valid_corpus = Finish(std::move(valid), name + " (validation part)");
  if (!valid_corpus.ok()) return valid_corpus.error();
  return TrainValid{*train_corpus, *valid_corpus};
}

}  // namespace rungs::trial
