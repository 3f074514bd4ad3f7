// ClassifierTrial: runs one scheduler job on the built-in classifier.
//
// The job's configuration becomes fastText arguments; training continues
// from the trial's checkpoint (resume) or starts from scratch (restart, or
// when the checkpoint was dropped) up to the job's epochs, with the learning
// rate scaled for the rung and falling linearly to 0 over this job's epochs;
// then the model is scored on the validation corpus and kept as the trial's
// checkpoint (CheckpointCache: in memory, or spilled to disk). The best
// model so far (most epochs, then metric) is that checkpoint too, not a
// copy: a promotion of the best trial resumes from a copy of it, so that it
// stays there for export (TakeModel) whatever becomes of the promoted job.
// Thread-safe: jobs of different trials run concurrently, sharing the
// parsed corpora.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/background_thread.h"
#include "base/status.h"
#include "job/job.h"
#include "space/space.h"
#include "text/evaluate.h"
#include "text/memory_estimate.h"
#include "text/model.h"
#include "trial/checkpoint_cache.h"
#include "trial/classifier_data.h"
#include "trial/classifier_space.h"

namespace rungs::trial {

// What a trial is scored by on the validation data.
enum class Metric {
  kAccuracy,  // P@1 (maximize)
  kF1,        // macro-averaged F1 over labels (maximize)
  kLoss,      // mean negative log-likelihood of the true label (minimize)
};

Result<Metric> ParseMetric(std::string_view name);  // "accuracy", "f1", "loss"
bool Maximize(Metric metric);

// `model` scored by `metric` on `data` (encoded with the model's dictionary).
Result<double> ScoreModel(const text::Model& model, const text::Corpus& data, Metric metric);

struct TrialOptions {
  text::TrainArgs base;                      // arguments no parameter sets (thread, seed, ...)
  Metric metric = Metric::kAccuracy;
  int64_t checkpoint_memory_bytes = int64_t{4} << 30;
  // Where checkpoints beyond checkpoint_memory_bytes go (CheckpointCache);
  // empty: they are dropped.
  std::string checkpoint_dir;
  // Those cheaper to retrain than to write are dropped instead
  // (CheckpointCache's drop_when_cheaper; not with an epoch budget).
  bool drop_cheap_checkpoints = false;
  // A model larger than this even quantized (text::QuantizeArgsForSize) is
  // refused after training, as fastText's -autotune-modelsize does; 0: none.
  int64_t max_model_bytes = 0;
};

// What a job would hold at its peak (text/memory_estimate.h), and how much of
// it is the trial's checkpoint already held in memory.
struct JobMemoryNeed {
  int64_t bytes = 0;
  int64_t held = 0;
  bool upper_bound = false;  // at least the need, not the need itself
};

// How PredictMemory counts: exactly (the job's own dictionary counted on the
// corpus, ~0.1 s for each new setting on 20 Newsgroups), or an upper bound
// (the space's widest dictionary for the job's bucket, counted once).
enum class Prediction { kExact, kUpperBound };

class ClassifierTrial {
 public:
  ClassifierTrial(const space::Space& space, ClassifierData& data, TrialOptions options);

  // Runs `job` until its epochs are trained, `cancel` is set or it fails. A
  // failure (bad configuration, too much memory asked for, divergence) comes
  // back as the result's outcome and error, never as an exception.
  job::JobResult Run(const job::Job& job, const std::atomic<bool>* cancel);

  // The model of `trial` trained to `epochs` epochs with `config`, taken
  // from its checkpoint (in memory or spilled); nullopt when none is kept
  // for those epochs. Fails as Run would on a bad configuration.
  Result<std::optional<text::Model>> TakeModel(uint32_t trial, int epochs,
                                               const space::Config& config);

  // Predicts the peak memory of `job` before it runs: the training estimate
  // for its configuration on the corpus encoded as it would be (counted by
  // text::Corpus::Stats, not encoded), with the checkpoint it resumes in
  // place of the fresh matrices when that is larger. The checkpoint it takes
  // over is `held` (none when it resumes from a copy of the best). With
  // kUpperBound the corpus is counted with WidestDict's settings instead:
  // never below the exact prediction, and all but free after the first job
  // of each normalize, bucket and character n-gram choice. Fails as Run
  // would on a bad configuration.
  Result<JobMemoryNeed> PredictMemory(const job::Job& job, Prediction how);
  // PredictMemory(job, kExact) once the job's dictionary setting is counted;
  // until then nullopt, and the count is made on a thread of its own (one
  // setting at a time, in the order asked), so the caller never waits for
  // it. Fails as PredictMemory does, a failed count included.
  Result<std::optional<JobMemoryNeed>> PredictExactSoon(const job::Job& job);

  // Bytes held between jobs: the checkpoints in memory, the encodings the
  // corpora cache, and each dictionary any of them keeps alive, once.
  int64_t held_bytes() const;
  // Frees at least `bytes` of held_bytes(), or all it can: spills the
  // checkpoints, then, when that is not enough, drops the cached encodings
  // (a job makes its own again; those running jobs use stay theirs). Fails
  // as CheckpointCache::Spill does.
  Status Release(int64_t bytes);
  CheckpointCache& checkpoints() { return checkpoints_; }

 private:
  void OfferBest(const job::Job& job, double metric);
  // Whether the checkpoint of `trial` at `epochs` is the best model's.
  bool IsBest(uint32_t trial, int epochs) const;
  // PredictMemory's work; with `soon`, a count not made yet is posted to
  // counter_ and nullopt comes back instead of waiting for it.
  Result<std::optional<JobMemoryNeed>> Predict(const job::Job& job, Prediction how, bool soon);
  using StatsKey = std::pair<bool, text::DictArgs>;  // normalize, dictionary setting
  // The statistics of `key` on `train`, counted on this thread unless
  // cached; with `soon`, as Predict says.
  Result<std::optional<text::CorpusStats>> StatsFor(std::shared_ptr<const text::Corpus> train,
                                                    const StatsKey& key, bool soon);

  const space::Space& space_;
  ClassifierData& data_;
  const TrialOptions options_;
  CheckpointCache checkpoints_;

  mutable std::mutex best_mu_;
  struct Best {
    uint32_t trial;
    int epochs;
    double metric;
  };
  std::optional<Best> best_;  // GUARDED_BY(best_mu_)

  // Corpus statistics per normalize and dictionary setting, for
  // PredictMemory: a hundred-odd bytes each, and as many as the space has
  // dictionary settings, so all are kept (up to kStatsKept, then forgotten).
  // A count that failed is kept too, so that it is not made again.
  static constexpr size_t kStatsKept = 4096;
  std::mutex stats_mu_;
  std::map<StatsKey, Result<text::CorpusStats>> stats_;  // GUARDED_BY(stats_mu_)
  std::set<StatsKey> counting_;  // posted to counter_, not done; GUARDED_BY(stats_mu_)
  // Counts for PredictExactSoon. Last: its destructor, run first, waits for
  // a count that uses the members above.
  BackgroundThread counter_;
};

}  // namespace rungs::trial
