#include "trial/classifier_trial.h"

#include <chrono>
#include <algorithm>
#include <cmath>

#include "text/quantize.h"

namespace rungs::trial {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double MacroF1(const text::EvalResult& eval) {
  double sum = 0;
  int n = 0;
  for (const text::LabelStats& label : eval.labels) {
    if (label.gold == 0) continue;  // labels absent from validation say nothing
    double f1 = label.F1();
    sum += std::isnan(f1) ? 0.0 : f1;
    ++n;
  }
  return n == 0 ? 0.0 : sum / n;
}

double MeanNegLogLikelihood(const text::Model& model, const text::Encoded& data) {
  std::vector<text::Prediction> predictions;
  text::PredictScratch scratch;
  double sum = 0;
  int64_t n = 0;
  for (int64_t i = 0; i < data.size(); ++i) {
    auto labels = data.Labels(i);
    if (labels.empty() || data.Inputs(i).empty()) continue;
    model.Predict(data.Inputs(i), /*k=*/-1, /*threshold=*/0, predictions, scratch);
    double log_prob = -30;  // a label the model gives no mass: capped penalty
    for (const text::Prediction& p : predictions) {
      if (p.label == labels[0]) log_prob = std::max(static_cast<double>(p.log_prob), -30.0);
    }
    sum -= log_prob;
    ++n;
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

}  // namespace

Result<double> ScoreModel(const text::Model& model, const text::Corpus& data, Metric metric) {
  auto encoded = data.EncodeWith(model.shared_dict());
  if (!encoded.ok()) return encoded.error();
  if (metric == Metric::kLoss) return MeanNegLogLikelihood(model, **encoded);
  Result<text::EvalResult> eval = text::Evaluate(model, **encoded, /*k=*/1, /*threshold=*/0);
  if (!eval.ok()) return eval.error();
  if (metric == Metric::kF1) return MacroF1(*eval);
  double p1 = eval->PrecisionAtK();
  return std::isnan(p1) ? 0.0 : p1;
}

Result<Metric> ParseMetric(std::string_view name) {
  if (name == "accuracy") return Metric::kAccuracy;
  if (name == "f1") return Metric::kF1;
  if (name == "loss") return Metric::kLoss;
  return Fail("unknown metric '" + std::string(name) + "' (expected accuracy, f1 or loss)");
}

bool Maximize(Metric metric) { return metric != Metric::kLoss; }

ClassifierTrial::ClassifierTrial(const space::Space& space, ClassifierData& data,
                                 TrialOptions options)
    : space_(space),
      data_(data),
      options_(std::move(options)),
      checkpoints_(options_.checkpoint_memory_bytes, options_.checkpoint_dir,
                   options_.drop_cheap_checkpoints) {}

job::JobResult ClassifierTrial::Run(const job::Job& job, const std::atomic<bool>* cancel) {
  auto start = std::chrono::steady_clock::now();
  // Reading, encoding and setting up a model cannot be stopped midway; a
  // cancelled job stops between them, so that with many more jobs than cores
  // a stop is not held up by every job's setup in turn.
  auto cancelled = [&] { return cancel != nullptr && cancel->load(); };
  auto stopped = [&] {
    return job::ResultFor(job, job::Outcome::kAbandoned,
                          "abandoned: the experiment stopped before it trained");
  };
  Result<ClassifierSettings> settings = SettingsFor(space_, job.config, options_.base);
  if (!settings.ok()) return job::ResultFor(job, job::Outcome::kFailed, settings.message());
  Result<TrainValid> corpora = data_.Get(settings->normalize);
  if (!corpora.ok()) return job::ResultFor(job, job::Outcome::kFailed, corpora.message());
  if (cancelled()) return stopped();
  // A job resuming a checkpoint held in memory trains on the encoding made
  // with that checkpoint's dictionary (after the corpus's cache dropped it,
  // encoded again with it); any other encodes for its settings.
  std::shared_ptr<const text::Dictionary> resumed =
      job.epochs_from > 0 ? checkpoints_.DictionaryOf(job.trial, job.epochs_from) : nullptr;
  auto train = resumed ? corpora->train->EncodeWith(resumed) : corpora->train->Encode(settings->args.dict);
  if (!train.ok()) return job::ResultFor(job, job::Outcome::kFailed, train.message());
  if (cancelled()) return stopped();

  // Resume when the job continues a checkpoint we still hold (a spilled one
  // is read back with this encoding's dictionary); else start over.
  std::unique_ptr<text::Checkpoint> checkpoint;
  if (job.epochs_from > 0) {
    checkpoint = IsBest(job.trial, job.epochs_from)
                     ? checkpoints_.Copy(job.trial, job.epochs_from, **train)
                     : checkpoints_.Take(job.trial, job.epochs_from, **train);
  }
  int from = checkpoint ? job.epochs_from : 0;
  if (!checkpoint) {
    Result<text::Checkpoint> fresh = text::StartTraining(**train, settings->args);
    if (!fresh.ok()) return job::ResultFor(job, job::Outcome::kFailed, fresh.message());
    checkpoint = std::make_unique<text::Checkpoint>(std::move(*fresh));
    if (cancelled()) return stopped();
  }

  text::LrSchedule schedule{settings->args.lr * job.lr_scale, 0.0, static_cast<double>(from),
                            static_cast<double>(job.epochs_to)};
  text::TrainControl control;
  control.cancel = cancel;
  Result<text::TrainReport> report = text::Train(**train, schedule, job.epochs_to, *checkpoint, control);
  if (!report.ok()) return job::ResultFor(job, job::Outcome::kFailed, report.message());

  job::JobResult result = job::ResultFor(job, job::Outcome::kOk);
  result.epochs_trained = static_cast<int>(std::floor(report->epoch + 1e-9)) - from;
  result.seconds = SecondsSince(start);
  switch (report->stop) {
    case text::TrainStop::kDiverged:
      result.outcome = job::Outcome::kDiverged;
      result.error = report->message.empty() ? "training diverged (NaN or infinite loss)" : report->message;
      return result;
    case text::TrainStop::kCancelled:  // the experiment stopped
      result.outcome = job::Outcome::kAbandoned;
      result.error = "abandoned: the experiment stopped while it trained";
      return result;
    case text::TrainStop::kDeadline:
      result.outcome = job::Outcome::kTimeout;
      result.error = "stopped before the rung's epochs were trained";
      return result;
    case text::TrainStop::kDone:
      break;
  }
  Result<double> metric = ScoreModel(checkpoint->model, *corpora->valid, options_.metric);
  if (!metric.ok()) return job::ResultFor(job, job::Outcome::kFailed, metric.message());
  result.metric = *metric;
  result.seconds = SecondsSince(start);
  if (options_.max_model_bytes > 0) {
    Result<text::QuantizeArgs> fits = text::QuantizeArgsForSize(
        checkpoint->model, text::Preprocessing{.normalize = settings->normalize},
        options_.max_model_bytes, /*retrain=*/false, settings->args.thread);
    if (!fits.ok()) {
      result.outcome = job::Outcome::kRefused;
      result.error = "refused: its model does not fit --max-model-size even quantized: " +
                     fits.message();
      return result;
    }
  }
  OfferBest(job, *metric);
  // The best's checkpoint is the model handed back: never dropped, as
  // retraining it at the end could take more than the time left.
  const double seconds_per_epoch = result.seconds / std::max(1, result.epochs_trained);
  const double retrain_seconds = IsBest(job.trial, job.epochs_to)
                                     ? CheckpointCache::kNeverDrop
                                     : seconds_per_epoch * job.epochs_to;
  // A checkpoint that could not be spilled is only lost to later rungs (they
  // retrain): the result stands, and says so.
  Status kept = checkpoints_.Put(job.trial, job.epochs_from, job.epochs_to, std::move(checkpoint),
                                 retrain_seconds);
  if (!kept.ok()) result.error = kept.message();
  return result;
}

void ClassifierTrial::OfferBest(const job::Job& job, double metric) {
  std::lock_guard<std::mutex> lock(best_mu_);
  bool better = !best_ || job.epochs_to > best_->epochs ||
                (job.epochs_to == best_->epochs &&
                 (Maximize(options_.metric) ? metric > best_->metric : metric < best_->metric));
  if (better) best_.emplace(Best{job.trial, job.epochs_to, metric});
}

bool ClassifierTrial::IsBest(uint32_t trial, int epochs) const {
  std::lock_guard<std::mutex> lock(best_mu_);
  return best_ && best_->trial == trial && best_->epochs == epochs;
}

Result<std::optional<text::CorpusStats>> ClassifierTrial::StatsFor(
    std::shared_ptr<const text::Corpus> train, const StatsKey& key, bool soon) {
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    if (auto found = stats_.find(key); found != stats_.end()) {
      if (!found->second.ok()) return found->second.error();
      return std::optional<text::CorpusStats>(*found->second);
    }
    if (soon) {
      if (counting_.insert(key).second) {
        counter_.Post([this, train, key] { (void)StatsFor(train, key, false); });
      }
      return std::optional<text::CorpusStats>();
    }
  }
  Result<text::CorpusStats> stats = train->Stats(key.second);
  std::lock_guard<std::mutex> lock(stats_mu_);
  if (stats_.size() >= kStatsKept) stats_.clear();
  stats_.emplace(key, stats);
  counting_.erase(key);
  if (!stats.ok()) return stats.error();
  return std::optional<text::CorpusStats>(*stats);
}

Result<JobMemoryNeed> ClassifierTrial::PredictMemory(const job::Job& job, Prediction how) {
  Result<std::optional<JobMemoryNeed>> need = Predict(job, how, /*soon=*/false);
  if (!need.ok()) return need.error();
  return **need;  // counted on this thread: always there
}

Result<std::optional<JobMemoryNeed>> ClassifierTrial::PredictExactSoon(const job::Job& job) {
  return Predict(job, Prediction::kExact, /*soon=*/true);
}

Result<std::optional<JobMemoryNeed>> ClassifierTrial::Predict(const job::Job& job, Prediction how,
                                                              bool soon) {
  Result<ClassifierSettings> settings = SettingsFor(space_, job.config, options_.base);
  if (!settings.ok()) return settings.error();
  Result<TrainValid> corpora = data_.Get(settings->normalize);
  if (!corpora.ok()) return corpora.error();
  const text::DictArgs& dict = settings->args.dict;
  const bool bound = how == Prediction::kUpperBound;
  Result<std::optional<text::CorpusStats>> stats = StatsFor(
      corpora->train, {settings->normalize, bound ? WidestDict(space_, dict) : dict}, soon);
  if (!stats.ok()) return stats.error();
  if (!*stats) return std::optional<JobMemoryNeed>();
  if (bound) {
    // The job's rows: at least as many words as it can have, and its own
    // bucket, of which it uses no more than the widest setting does.
    (*stats)->input_rows = int64_t{(*stats)->nwords} + dict.EffectiveBucket();
    (*stats)->used_rows = std::min((*stats)->used_rows, (*stats)->input_rows);
  }
  text::MemoryEstimate estimate = text::EstimateTrainingMemory(settings->args, **stats);
  JobMemoryNeed need{estimate.total(), 0, bound};
  if (job.epochs_from > 0) {
    // A resumed checkpoint becomes the job's model: its matrices take the
    // place of the fresh ones.
    int64_t resumed = checkpoints_.BytesOf(job.trial, job.epochs_from);
    need.bytes += std::max<int64_t>(0, resumed - (estimate.input + estimate.output));
    if (!IsBest(job.trial, job.epochs_from)) {
      need.held = std::min(resumed, checkpoints_.BytesInMemory(job.trial));
    }
  }
  return std::optional<JobMemoryNeed>(need);
}

int64_t ClassifierTrial::held_bytes() const {
  int64_t bytes = checkpoints_.bytes();
  std::vector<std::shared_ptr<const text::Dictionary>> dicts = checkpoints_.Dictionaries();
  for (const std::shared_ptr<const text::Encoded>& encoded : data_.CachedEncodings()) {
    bytes += encoded->bytes();
    dicts.push_back(encoded->dict);
  }
  std::sort(dicts.begin(), dicts.end());
  dicts.erase(std::unique(dicts.begin(), dicts.end()), dicts.end());
  for (const std::shared_ptr<const text::Dictionary>& dict : dicts) bytes += dict->bytes();
  return bytes;
}

Status ClassifierTrial::Release(int64_t bytes) {
  const int64_t before = checkpoints_.bytes();
  RUNGS_RETURN_IF_ERROR(checkpoints_.Spill(bytes));
  if (before - checkpoints_.bytes() < bytes) data_.DropCachedEncodings();
  return Status::Ok();
}

Result<std::optional<text::Model>> ClassifierTrial::TakeModel(uint32_t trial, int epochs,
                                                              const space::Config& config) {
  Result<ClassifierSettings> settings = SettingsFor(space_, config, options_.base);
  if (!settings.ok()) return settings.error();
  Result<TrainValid> corpora = data_.Get(settings->normalize);
  if (!corpora.ok()) return corpora.error();
  auto train = corpora->train->Encode(settings->args.dict);
  if (!train.ok()) return train.error();
  std::unique_ptr<text::Checkpoint> checkpoint = checkpoints_.Take(trial, epochs, **train);
  if (!checkpoint) return std::optional<text::Model>();
  return std::optional<text::Model>(std::move(checkpoint->model));
}

}  // namespace rungs::trial
