// Memory estimates: the peak bytes of a training job, predicted from its
// args and a few statistics of its encoded corpus, before it runs, so that a
// tuner can refuse or delay jobs that would not fit (doc/lazy-matrix.md).
//
// What a training holds at its peak (trainer.h): the dictionary and the
// encoded corpus (shared by every job with the same DictArgs), the input
// matrix (a slot table for every row, and the rows the corpus uses, in whole
// chunks: lazy_matrix.h), the output matrix, the loss's tables, and per
// thread a few dim- and nlabels-sized buffers; plus the example order.
// A resumed job holds the same: its checkpoint becomes the trained model.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>

#include "text/args.h"
#include "text/corpus.h"
#include "text/trainer.h"

namespace rungs::text {

struct MemoryEstimate {
  int64_t dictionary = 0;  // dictionary and encoded corpus (shared by equal DictArgs)
  int64_t input = 0;       // input matrix: slot table and used rows
  int64_t output = 0;      // output matrix
  int64_t loss = 0;        // negative table / Huffman tree
  int64_t threads = 0;     // per-thread buffers and the example order
  int64_t total() const { return dictionary + input + output + loss + threads; }
};

// The peak heap bytes of StartTraining + Train for `args` on a corpus with
// `stats` (encoded with args.dict).
MemoryEstimate EstimateTrainingMemory(const TrainArgs& args, const CorpusStats& stats);

// Bytes a checkpoint holds of its own (present input rows with the slot
// table, output matrix): what a paused trial keeps in memory, and what
// SaveCheckpoint writes, within a few percent.
int64_t CheckpointBytes(const Checkpoint& checkpoint);

}  // namespace rungs::text
