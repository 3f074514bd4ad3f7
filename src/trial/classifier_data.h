// ClassifierData: the training and validation corpora of an experiment,
// parsed once and shared by every trial.
//
// Validation data is either its own file or a fraction of the training file
// split off with a fixed seed (exactly round(fraction * N) examples). A
// corpus read with normalization is a different corpus; each variant is
// read on first use only. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "text/corpus.h"
#include "text/reader.h"

namespace rungs::trial {

struct DataSpec {
  std::string train;
  std::string valid;           // empty: split valid_fraction off train
  double valid_fraction = 0.1;
  uint64_t split_seed = 0;
  text::ReadOptions read;      // read.normalize is ignored: Get chooses it
  // Refit: train on train + validation together (the validation corpus is
  // still there, for a score that is no longer held out).
  bool train_on_valid_too = false;
  // Cross-validation (tune/cross_check.h): with folds > 0, every row of
  // train and validation, pooled, falls in one of `folds` parts by a shuffle
  // seeded with split_seed; part `fold` is the validation corpus, the others
  // train.
  int folds = 0;
  int fold = 0;
  // Bytes of encodings each corpus keeps between jobs (text::Corpus::
  // SetCacheLimits): on 20 Newsgroups one encoding with character n-grams is
  // about 200 MB, and sixteen cached ones held over 1 GB (bench/RESULTS.md).
  int64_t encoding_cache_bytes = int64_t{128} << 20;
};

struct TrainValid {
  std::shared_ptr<const text::Corpus> train;
  std::shared_ptr<const text::Corpus> valid;
};

class ClassifierData {
 public:
  explicit ClassifierData(DataSpec spec) : spec_(std::move(spec)) {}

  // The corpora read with or without normalization. Fails with the reader's
  // message (file, line), or when the split leaves either side empty; a
  // training file to split with no label at all fails with
  // text::NoLabelError, as `rungs train` does, however few its lines.
  Result<TrainValid> Get(bool normalize);

  // The encodings the corpora read so far cache (text::Corpus::Cached).
  std::vector<std::shared_ptr<const text::Encoded>> CachedEncodings();
  // Empties those caches (text::Corpus::DropCache).
  void DropCachedEncodings();

 private:
  Result<TrainValid> Read(bool normalize) const;
  Result<TrainValid> ReadFold(const text::ReadOptions& options) const;

  const DataSpec spec_;
  std::mutex read_mu_;  // held while a variant is read, so that each is read once
  std::mutex mu_;
  std::shared_ptr<TrainValid> variants_[2];  // GUARDED_BY(mu_), by normalize
};

}  // namespace rungs::trial
