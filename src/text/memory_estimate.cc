#include "text/memory_estimate.h"

#include "text/lazy_matrix.h"
#include "text/loss.h"

namespace rungs::text {

MemoryEstimate EstimateTrainingMemory(const TrainArgs& args, const CorpusStats& stats) {
  const int64_t dim = args.dim;
  MemoryEstimate e;
  e.dictionary = stats.dictionary_bytes;
  e.input = LazyMatrix::ResidentBytes(stats.input_rows, dim, stats.used_rows);
  e.output = int64_t{stats.nlabels} * dim * int64_t{sizeof(float)};
  e.loss = LossLayer::EstimateBytes(args.loss, stats.nlabels);
  // Per thread: hidden, grad, output scores and the example's row pointers
  // (trainer.cc); the example order is shared.
  const int64_t per_thread = (2 * dim + stats.nlabels) * int64_t{sizeof(float)} +
                             stats.max_example_rows * int64_t{sizeof(float*)};
  e.threads = args.thread * per_thread + stats.examples * int64_t{sizeof(int32_t)};
  return e;
}

int64_t CheckpointBytes(const Checkpoint& checkpoint) {
  const Model& m = checkpoint.model;
  return m.input().resident_bytes() + m.output().bytes() +
         static_cast<int64_t>(checkpoint.threads.size() * sizeof(ThreadPosition));
}

}  // namespace rungs::text
