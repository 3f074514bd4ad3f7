#include "tune/search_plan.h"

#include <ctime>
#include <filesystem>

#include "base/byte_size.h"
#include "base/text_file.h"
#include "driver/options_json.h"
#include "driver/scheduler_from_record.h"
#include "text/quantize.h"
#include "trial/classifier_space.h"
#include "tune/experiment_dir.h"

namespace rungs::tune {
namespace {

Result<std::string> SpaceToml(const TuneSpec& spec) {
  if (spec.space_file.empty()) return std::string(trial::DefaultClassifierSpaceToml());
  Result<std::string> text = ReadTextFile(spec.space_file);
  if (!text.ok()) return Fail("--space: " + text.message());
  return text;
}

std::string ExperimentId(uint64_t seed) {
  std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&t));
  return std::string("tune-") + stamp + "-" + std::to_string(seed);
}

Result<store::ExperimentRecord> NewRecord(const TuneSpec& spec) {
  Result<std::string> space_toml = SpaceToml(spec);
  if (!space_toml.ok()) return space_toml.error();
  Result<sched::Options> options = SchedulerOptions(spec);
  if (!options.ok()) return options.error();
  store::ExperimentRecord record;
  record.id = ExperimentId(spec.seed);
  record.name = std::filesystem::path(spec.out).filename().string();
  record.space_toml = *space_toml;
  record.scheduler = sched::MethodName(spec.scheduler);
  record.options_json = driver::OptionsToJson(*options).dump();
  record.seed = spec.seed;
  return record;
}

// A --max-model-size that no model of the space fits, even quantized,
// refused every trial after its training and ended the run with none.
Status CheckMaxModelSize(const TuneSpec& spec, const space::Space& space) {
  if (spec.max_model_size.empty()) return Status::Ok();
  Result<int64_t> max_bytes = ParseByteSize(spec.max_model_size, "--max-model-size");
  if (!max_bytes.ok()) return max_bytes.error();
  const int dim = trial::SmallestDim(space, text::TrainArgs{});
  const int64_t smallest = text::SmallestQuantizedFileBytes(dim);
  if (*max_bytes >= smallest) return Status::Ok();
  return Fail("--max-model-size " + spec.max_model_size + " (" + std::to_string(*max_bytes) +
              " bytes) holds no model of the search space: even quantized, the smallest (dim " +
              std::to_string(dim) + ", before any word or label) takes " +
              std::to_string(smallest) + " bytes (" + ByteSizeText(smallest) +
              "); give at least that");
}

}  // namespace

Status KeepNewBudget(const driver::RunBudget& flags, const std::string& dir,
                     driver::Experiment& experiment) {
  driver::RunBudget budget = experiment.budget;
  if (flags.epochs > 0) budget.epochs = flags.epochs;
  if (flags.trials > 0) budget.trials = flags.trials;
  if (flags.seconds > 0) budget.seconds = flags.seconds;
  if (flags.dollars > 0) budget.dollars = flags.dollars;
  RUNGS_RETURN_IF_ERROR(driver::ChangeBudget(experiment, budget, "--resume"));
  return SaveBudget(dir, experiment.budget);
}

Result<SearchPlan> PlanSearch(const TuneSpec& spec, bool resume) {
  RUNGS_RETURN_IF_ERROR(Validate(spec));
  Result<store::ExperimentRecord> record = resume ? ReadRecord(spec.out) : NewRecord(spec);
  if (!record.ok()) return record.error();
  const std::string origin = resume                    ? JournalPath(spec.out)
                             : spec.space_file.empty() ? "default classifier space"
                                                       : spec.space_file;
  Result<space::Space> space = space::Space::FromToml(record->space_toml, origin);
  if (!space.ok()) return space.error();
  Result<sched::Options> options = driver::RecordOptions(*record);
  if (!options.ok()) return options.error();
  SearchPlan plan{std::move(*record), std::move(*space), *options};
  if (spec.command.empty()) {
    if (Status checked = trial::CheckClassifierSpace(plan.space); !checked.ok()) {
      return Fail(origin + ": " + checked.message());
    }
    RUNGS_RETURN_IF_ERROR(CheckMaxModelSize(spec, plan.space));
    Result<trial::Metric> metric = trial::ParseMetric(spec.metric);
    if (!metric.ok()) return Fail("--metric: " + metric.message());
    plan.metric = *metric;
  }
  if (!resume) {
    auto probe = driver::MakeSchedulerFromRecord(plan.record);
    if (!probe.ok()) return Fail("--scheduler: " + probe.message());
    RUNGS_RETURN_IF_ERROR(CheckNoExperimentIn(spec.out));
  }
  return plan;
}

}  // namespace rungs::tune
