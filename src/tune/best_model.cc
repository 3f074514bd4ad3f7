#include "tune/best_model.h"

#include <filesystem>
#include <vector>

#include "text/fasttext_bin.h"
#include "trial/classifier_space.h"

namespace rungs::tune {
namespace {

// Trains the best trial's jobs again, in order, to rebuild its model: its
// checkpoint was lost (a resumed run), was never here (Lambda), or the data
// changed (refit). Jobs before the last one that starts from scratch are
// skipped: with restart promotion, that is just the trial's last job.
Result<text::Model> Retrain(const JournalView& view, const BestTrial& best,
                            const space::Space& space, trial::ClassifierData& data,
                            trial::TrialOptions options) {
  options.checkpoint_memory_bytes = int64_t{1} << 40;  // keep the one checkpoint this needs
  trial::ClassifierTrial trial(space, data, options);
  std::vector<const job::Job*> jobs;
  for (const JobRow& row : view.jobs) {
    if (row.job.trial != best.trial || row.job.epochs_to > best.epochs) continue;
    if (row.job.epochs_from == 0) jobs.clear();
    jobs.push_back(&row.job);
  }
  for (const job::Job* job : jobs) {
    job::JobResult r = trial.Run(*job, nullptr);
    if (r.outcome != job::Outcome::kOk) {
      return Fail("retraining trial " + std::to_string(best.trial) + " failed: " + r.error);
    }
  }
  auto model = trial.BestModel();
  if (!model) return Fail("retraining trial " + std::to_string(best.trial) + " gave no model");
  return std::move(model->model);
}

Result<double> TestMetric(const TuneSpec& spec, const text::Model& model,
                          const text::Preprocessing& preprocessing, trial::Metric metric) {
  text::ReadOptions read = spec.read;
  read.normalize = preprocessing.normalize;
  auto test = text::Corpus::Load(spec.test, read);
  if (!test.ok()) return Fail("--test: " + test.message());
  return trial::ScoreModel(model, **test, metric);
}

}  // namespace

Result<text::Preprocessing> PreprocessingOf(const BestTrial& best, const space::Space& space) {
  auto settings = trial::SettingsFor(space, best.config, text::TrainArgs{});
  if (!settings.ok()) return settings.error();
  return text::Preprocessing{.normalize = settings->normalize};
}

Result<BestModel> WriteBestModel(const TuneSpec& spec, const SearchPlan& plan,
                                 Trainable& trainable, const JournalView& view) {
  std::optional<BestTrial> best = view.Best(Maximize(spec));
  trial::ClassifierTrial* classifier = trainable.classifier();
  if (!best || classifier == nullptr) return BestModel{};
  BestModel written;
  std::optional<text::Model> model;
  // The classifier held the best by most epochs; the noise-aware choice may
  // be another result, even of the same trial.
  if (auto held = classifier->BestModel();
      held && held->trial == best->trial && held->epochs == best->epochs) {
    model = std::move(held->model);
  }
  if (spec.refit) {
    trial::DataSpec both = DataFor(spec);
    both.train_on_valid_too = true;
    trial::ClassifierData refit_data(both);
    auto refit = Retrain(view, *best, plan.space, refit_data, trainable.options());
    if (!refit.ok()) return Fail("--refit: " + refit.message());
    model = std::move(*refit);
    written.refit = true;
  } else if (!model) {
    auto retrained = Retrain(view, *best, plan.space, trainable.data(), trainable.options());
    if (!retrained.ok()) return retrained.error();
    model = std::move(*retrained);
  }
  Result<text::Preprocessing> preprocessing = PreprocessingOf(*best, plan.space);
  if (!preprocessing.ok()) return preprocessing.error();
  RUNGS_RETURN_IF_ERROR(text::SaveFastTextBin(
      *model, *preprocessing, (std::filesystem::path(spec.out) / "best.bin").string()));
  if (!spec.test.empty()) {
    auto test = TestMetric(spec, *model, *preprocessing, plan.metric);
    if (!test.ok()) return test.error();
    written.test_metric = *test;
  }
  return written;
}

}  // namespace rungs::tune
