#include "tune/best_model.h"

#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "base/byte_size.h"
#include "text/fasttext_bin.h"
#include "text/quantize.h"
#include "trial/classifier_space.h"
#include "tune/warning.h"

namespace rungs::tune {
namespace {

// Whether the job trained from epoch 0: it starts the trial, or it was a
// promotion whose checkpoint was gone (dropped from memory, lost with a
// killed process, on another Lambda instance), so it started over and its
// result counts every epoch up to epochs_to.
bool StartedFromScratch(const JobRow& row) {
  return row.job.epochs_from == 0 ||
         (row.result && row.result->epochs_trained == row.job.epochs_to);
}

Result<double> TestMetric(const TuneSpec& spec, const text::Model& model,
                          const text::Preprocessing& preprocessing, trial::Metric metric) {
  text::ReadOptions read = spec.read;
  read.normalize = preprocessing.normalize;
  auto test = text::Corpus::Load(spec.test, read);
  if (!test.ok()) return Fail("--test: " + test.message());
  return trial::ScoreModel(model, **test, metric);
}

// Writes best.ftz from the best model (see WriteBestModel) and scores it.
Result<QuantizedModel> WriteQuantized(const TuneSpec& spec, const text::Model& model,
                                      const text::Preprocessing& preprocessing,
                                      Trainable& trainable, trial::Metric metric) {
  const std::string path = (std::filesystem::path(spec.out) / "best.ftz").string();
  if (!spec.max_model_size.empty()) {
    Result<int64_t> max_bytes = ParseByteSize(spec.max_model_size, "--max-model-size");
    if (!max_bytes.ok()) return max_bytes.error();
    Result<trial::TrainValid> corpora = trainable.data().Get(preprocessing.normalize);
    if (!corpora.ok()) return corpora.error();
    Result<text::QuantizeArgs> args = text::SaveQuantizedWithin(
        model, preprocessing, *max_bytes, corpora->train.get(), spec.threads, path);
    if (!args.ok()) return Fail("--max-model-size: " + args.message());
  } else {
    text::QuantizeArgs args;
    args.qnorm = true;
    args.thread = spec.threads;
    Result<text::Model> quantized = text::Quantize(model, args);
    if (!quantized.ok()) return Fail("--quantize: " + quantized.message());
    RUNGS_RETURN_IF_ERROR(text::SaveFastTextBin(*quantized, preprocessing, path));
  }
  QuantizedModel written;
  std::error_code ec;
  written.bytes = int64_t(std::filesystem::file_size(path, ec));
  if (!spec.test.empty()) {
    Result<text::ModelFile> loaded = text::LoadFastTextBin(path);
    if (!loaded.ok()) return loaded.error();
    auto test = TestMetric(spec, loaded->model, preprocessing, metric);
    if (!test.ok()) return test.error();
    written.test_metric = *test;
  }
  return written;
}

Result<text::Model> Refit(const TuneSpec& spec, const SearchPlan& plan, Trainable& trainable,
                          const JournalView& view, const BestTrial& best) {
  trial::DataSpec both = DataFor(spec);
  both.train_on_valid_too = true;
  trial::ClassifierData refit_data(both);
  trial::TrialOptions options = trainable.options();
  options.base.thread = RefitThreads(spec);
  auto refit = Retrain(view, best, plan.space, refit_data, options);
  if (!refit.ok()) return Fail("refit on train + validation: " + refit.message());
  return refit;
}

// Seconds to write the best.bin of `best`, estimated from its bucket rows
// (every row is written; the rest of a big model is small beside them) at
// 300 MB/s, about the slowest write of a 0.9 GB model measured here (3.1 s,
// loaded machine; 0.4 s quiet: bench/RESULTS.md). The test set is scored
// meanwhile, in about as long on 20 Newsgroups.
Result<double> WriteSeconds(const BestTrial& best, const space::Space& space,
                            const text::TrainArgs& base) {
  auto settings = trial::SettingsFor(space, best.config, base);
  if (!settings.ok()) return settings.error();
  const double bytes = 4.0 * settings->args.dict.EffectiveBucket() * settings->args.dim;
  return bytes / 300e6;
}

}  // namespace

// Its checkpoint was lost (a resumed run), was never here (Lambda), or the
// data changed (refit, a fold). Jobs before the last one that started from
// scratch are skipped, and that one starts from scratch again, as it did the
// first time: the model is then the one whose score the journal holds.
bool MakesModelOf(const JobRow& row, const BestTrial& best) {
  return row.job.trial == best.trial && row.job.epochs_to <= best.epochs;
}

Result<text::Model> Retrain(const JournalView& view, const BestTrial& best,
                            const space::Space& space, trial::ClassifierData& data,
                            trial::TrialOptions options) {
  options.checkpoint_memory_bytes = int64_t{1} << 40;  // keep the one checkpoint this needs
  options.checkpoint_dir.clear();  // the search's spilled files are not this trial's to replace
  options.max_model_bytes = 0;     // the search checked the size already
  trial::ClassifierTrial trial(space, data, options);
  std::vector<job::Job> jobs;
  for (const JobRow& row : view.jobs) {
    if (!MakesModelOf(row, best)) continue;
    if (StartedFromScratch(row)) jobs.clear();
    jobs.push_back(row.job);
    if (jobs.size() == 1) jobs.front().epochs_from = 0;  // trains 0..epochs_to
  }
  for (const job::Job& job : jobs) {
    job::JobResult r = trial.Run(job, nullptr);
    if (r.outcome != job::Outcome::kOk) {
      return Fail("retraining trial " + std::to_string(best.trial) + " failed: " + r.error);
    }
  }
  Result<std::optional<text::Model>> model = trial.TakeModel(best.trial, best.epochs, best.config);
  if (!model.ok()) return model.error();
  if (!*model) return Fail("retraining trial " + std::to_string(best.trial) + " gave no model");
  return std::move(**model);
}

TrialPace PaceOf(const JournalView& view, const BestTrial& best) {
  TrialPace pace;
  for (const JobRow& row : view.jobs) {
    if (!MakesModelOf(row, best)) continue;
    if (row.result) pace.Add(row.job, *row.result);
  }
  return pace;
}

int RefitThreads(const TuneSpec& spec) {
  return std::max(spec.threads, int(std::thread::hardware_concurrency()));
}

Result<double> RefitScale(const TuneSpec& spec, Trainable& trainable) {
  if (!spec.refit || !trainable.classifier()) return 0.0;
  Result<trial::TrainValid> data = trainable.data().Get(false);
  if (!data.ok()) return data.error();
  const double train = double(data->train->size());
  return (train + double(data->valid->size())) / train;
}

Result<text::Preprocessing> PreprocessingOf(const BestTrial& best, const space::Space& space) {
  auto settings = trial::SettingsFor(space, best.config, text::TrainArgs{});
  if (!settings.ok()) return settings.error();
  return text::Preprocessing{.normalize = settings->normalize};
}

Result<BestModel> WriteBestModel(const TuneSpec& spec, const SearchPlan& plan,
                                 Trainable& trainable, const JournalView& view,
                                 double seconds_left) {
  std::optional<BestTrial> best = view.Best(Maximize(spec));
  trial::ClassifierTrial* classifier = trainable.classifier();
  if (!best || classifier == nullptr) return BestModel{};
  BestModel written;
  if (spec.refit) {
    Result<double> scale = RefitScale(spec, trainable);
    if (!scale.ok()) return scale.error();
    Result<double> writing = WriteSeconds(*best, plan.space, trainable.options().base);
    if (!writing.ok()) return writing.error();
    const double needs = *scale * PaceOf(view, *best).Seconds() + *writing;
    written.refit = needs <= seconds_left;
    if (!written.refit) {
      Warn("no time left to refit on train + validation (about " + SecondsText(needs) +
           " needed, " + SecondsText(std::max(0.0, seconds_left)) +
           " allowed by --budget-seconds): best.bin is the searched model");
    }
  }
  std::optional<text::Model> model;
  if (!written.refit) {
    Result<std::optional<text::Model>> held =
        classifier->TakeModel(best->trial, best->epochs, best->config);
    if (!held.ok()) return held.error();
    model = std::move(*held);
  }
  // The search is over: the checkpoints still in memory and the encodings
  // the search cached are of no more use (checkpoints on disk stay for
  // --keep-checkpoints); their memory goes to what follows.
  classifier->checkpoints().DropInMemory();
  trainable.data().DropCachedEncodings();
  if (written.refit) {
    auto refit = Refit(spec, plan, trainable, view, *best);
    if (!refit.ok()) return refit.error();
    model = std::move(*refit);
  } else if (!model) {
    auto retrained = Retrain(view, *best, plan.space, trainable.data(), trainable.options());
    if (!retrained.ok()) return retrained.error();
    model = std::move(*retrained);
  }
  Result<text::Preprocessing> preprocessing = PreprocessingOf(*best, plan.space);
  if (!preprocessing.ok()) return preprocessing.error();
  // The test set is scored while best.bin is written: both only read the
  // model, and on two cores a big model's write (a copy of up to a GB into
  // the page cache, then its sync) and the scoring each take seconds.
  std::future<Result<double>> test;
  if (!spec.test.empty()) {
    test = std::async(std::launch::async,
                      [&] { return TestMetric(spec, *model, *preprocessing, plan.metric); });
  }
  const Status saved = text::SaveFastTextBin(
      *model, *preprocessing, (std::filesystem::path(spec.out) / "best.bin").string());
  std::optional<Result<double>> metric;
  if (test.valid()) metric = test.get();
  RUNGS_RETURN_IF_ERROR(saved);
  if (metric) {
    if (!metric->ok()) return metric->error();
    written.test_metric = **metric;
  }
  if (spec.quantize || !spec.max_model_size.empty()) {
    Result<QuantizedModel> quantized =
        WriteQuantized(spec, *model, *preprocessing, trainable, plan.metric);
    if (quantized.ok()) {
      written.quantized = *quantized;
    } else {
      written.quantize_error = quantized.message();
    }
  }
  return written;
}

}  // namespace rungs::tune
