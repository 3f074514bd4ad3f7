// ClassifierTrial: runs one scheduler job on the built-in classifier.
//
// The job's configuration becomes fastText arguments; training continues
// from the trial's checkpoint (resume) or starts from scratch (restart, or
// when the checkpoint was dropped) up to the job's epochs, with the learning
// rate scaled for the rung and falling linearly to 0 over this job's epochs;
// then the model is scored on the validation corpus. The most recent best
// model (highest epochs, then metric) is kept for export. Thread-safe: jobs
// of different trials run concurrently, sharing the parsed corpora.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "job/job.h"
#include "space/space.h"
#include "text/evaluate.h"
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
};

class ClassifierTrial {
 public:
  ClassifierTrial(const space::Space& space, ClassifierData& data, TrialOptions options);

  // Runs `job` until its epochs are trained, `cancel` is set or it fails. A
  // failure (bad configuration, too much memory asked for, divergence) comes
  // back as the result's outcome and error, never as an exception.
  job::JobResult Run(const job::Job& job, const std::atomic<bool>* cancel);

  // The best model trained so far (most epochs, then metric), if any.
  struct HeldModel {
    uint32_t trial;
    int epochs;
    text::Model model;
  };
  std::optional<HeldModel> BestModel() const;

 private:
  void OfferBest(const job::Job& job, double metric, const text::Model& model);

  const space::Space& space_;
  ClassifierData& data_;
  const TrialOptions options_;
  CheckpointCache checkpoints_;

  mutable std::mutex best_mu_;
  struct Best {
    uint32_t trial;
    int epochs;
    double metric;
    text::Model model;
  };
  std::optional<Best> best_;  // GUARDED_BY(best_mu_)
};

}  // namespace rungs::trial
