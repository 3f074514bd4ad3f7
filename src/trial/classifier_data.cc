#include "trial/classifier_data.h"

#include <algorithm>
#include <cmath>
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

// Which of `n` examples go to validation: a seeded choice of exactly
// round(fraction * n) of them.
std::vector<bool> ValidationMask(int64_t n, double fraction, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<bool> valid(static_cast<size_t>(n), false);
  auto count = static_cast<int64_t>(std::llround(fraction * static_cast<double>(n)));
  for (int64_t i = 0; i < count; ++i) valid[static_cast<size_t>(order[i])] = true;
  return valid;
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
  TrainValid out;
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

}  // namespace rungs::trial
