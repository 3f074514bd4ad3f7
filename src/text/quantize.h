// Quantize: fastText's `quantize` of a supervised model: optionally keep
// only the `cutoff` word and n-gram rows of largest norm (pruning the
// dictionary) and retrain them, then product-quantize the input matrix
// (and, with qout, the output matrix). The result is a quantized Model that
// SaveFastTextBin writes as a .ftz in fastText 0.9.2's format
// (doc/quantize.md).
//
// Pure functions of their arguments apart from the threads they start.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "text/corpus.h"
#include "text/model.h"
#include "text/preprocessing.h"
#include "text/trainer.h"

namespace rungs::text {

// fastText's quantize flags, with its defaults.
struct QuantizeArgs {
  int32_t dsub = 2;      // -dsub: coordinates per sub-vector (one byte each)
  bool qnorm = false;    // -qnorm: quantize row norms separately
  bool qout = false;     // -qout: quantize the output matrix too (dsub 2; >= 256 labels)
  int64_t cutoff = 0;    // -cutoff: keep this many word and n-gram rows (0: all)
  bool retrain = false;  // -retrain: finetune the kept rows (needs cutoff and a corpus)
  int epoch = 5;         // -epoch, -lr, -thread: of the retraining
  double lr = 0.1;
  int thread = 12;

  // OK, or the first bad flag: "-dsub must be in [1, dim], got 0", ...
  Status Validate(int dim) const;
};

// Quantizes `model`, which must not be quantized already. With
// args.retrain, `retrain_on` (the training corpus) is encoded with the
// pruned dictionary and trained on for args.epoch epochs from the kept
// weights, under `control`. Fails on bad args, a quantized model, a retrain
// without corpus, fewer than 256 rows to quantize, or a cancelled retraining.
Result<Model> Quantize(const Model& model, const QuantizeArgs& args,
                       const Corpus* retrain_on = nullptr, const TrainControl& control = {});

// Bytes of the .ftz that SaveFastTextBin(Quantize(model, args),
// preprocessing) writes (exactly).
int64_t QuantizedFileBytes(const Model& model, const QuantizeArgs& args,
                           const Preprocessing& preprocessing);

// The fewest bytes a .ftz of a model with `dim` columns takes, whatever
// QuantizeArgsForSize chooses and however few words, labels and rows the
// model has: its header, the input quantizer's codebooks, an output matrix
// of no rows and the rungs trailer. No model of that dim fits in less.
int64_t SmallestQuantizedFileBytes(int dim);

// Quantize args for a .ftz of at most `max_bytes`, as fastText's autotune
// chooses them for -autotune-modelsize: qnorm, qout when there are 256 labels
// or more, retrain when `retrain` (a corpus will be given), dsub 2 (4, 8, 16
// when 2 cannot fit 256 rows), and the largest cutoff that fits (0 when the
// whole matrix fits), with `threads` (for ranking rows, and in the args).
// Fails when no choice fits, naming the smallest size.
Result<QuantizeArgs> QuantizeArgsForSize(const Model& model, const Preprocessing& preprocessing,
                                         int64_t max_bytes, bool retrain, int threads);

// For a tuner: quantizes `model` within `max_bytes` (QuantizeArgsForSize,
// retraining on `retrain_on` when given, with `threads`) and writes the .ftz
// to `path`, recording `preprocessing` as SaveFastTextBin does. Returns the
// args used.
Result<QuantizeArgs> SaveQuantizedWithin(const Model& model, const Preprocessing& preprocessing,
                                         int64_t max_bytes, const Corpus* retrain_on,
                                         int threads, const std::string& path);

}  // namespace rungs::text
