#include "tune/trainable.h"

#include <algorithm>
#include <filesystem>

#include "base/byte_size.h"
#include "trial/command_line.h"
#include "tune/data_check.h"

namespace rungs::tune {
namespace {

trial::TrialOptions TrialOptionsFor(const TuneSpec& spec, trial::Metric metric,
                                    int64_t memory_bytes) {
  trial::TrialOptions options;
  options.base.thread = spec.threads;
  options.base.seed = static_cast<int>(spec.seed);
  options.base.verbose = 0;
  options.metric = metric;
  options.checkpoint_memory_bytes = CheckpointMemoryBytes(spec, memory_bytes);
  // Paused trials beyond that memory go to disk (Lambda workers keep none).
  if (!OnLambda(spec)) options.checkpoint_dir = CheckpointDir(spec.out);
  options.drop_cheap_checkpoints = spec.budget_epochs == 0;
  if (!spec.max_model_size.empty()) {
    Result<int64_t> size = ParseByteSize(spec.max_model_size, "--max-model-size");
    if (size.ok()) options.max_model_bytes = *size;  // checked by Validate
  }
  return options;
}

}  // namespace

trial::DataSpec DataFor(const TuneSpec& spec) {
  trial::DataSpec data;
  data.train = spec.train;
  data.valid = spec.valid;
  data.valid_fraction = spec.valid_fraction;
  data.split_seed = spec.seed;
  data.read = spec.read;
  return data;
}

int64_t CheckpointMemoryBytes(const TuneSpec& spec, int64_t memory_bytes) {
  const int64_t given = spec.checkpoint_memory_mb << 20;
  return memory_bytes > 0 ? std::min(given, memory_bytes / 2) : given;
}

Result<std::unique_ptr<Trainable>> Trainable::Make(const TuneSpec& spec, const SearchPlan& plan,
                                                   int64_t memory_bytes) {
  std::unique_ptr<Trainable> t(
      new Trainable(TrialOptionsFor(spec, plan.metric, memory_bytes)));
  if (spec.command.empty()) {
    t->data_.emplace(DataFor(spec));
    auto corpora = t->data_->Get(false);
    if (!corpora.ok()) return corpora.error();
    RUNGS_RETURN_IF_ERROR(CheckLabels(spec, *corpora));
    t->classifier_.emplace(plan.space, *t->data_, t->options_);
    return t;
  }
  auto argv = trial::SplitCommandLine(spec.command);
  if (!argv.ok()) return Fail("--command: " + argv.message());
  auto created = trial::CommandTrial::Create(
      plan.space, {*argv, std::filesystem::path(spec.out) / "trials", spec.metric, spec.seed});
  if (!created.ok()) return Fail("--command: " + created.message());
  t->command_.emplace(std::move(*created));
  return t;
}

std::string CheckpointDir(const std::string& out) {
  return (std::filesystem::path(out) / "checkpoints").string();
}

void Trainable::RemoveSpilledCheckpoints() {
  if (classifier_) classifier_->checkpoints().RemoveSpilled();
}

job::JobResult Trainable::Run(const job::Job& job, const std::atomic<bool>* cancel) {
  // Jobs still waiting for a thread when the budget ends do not start (with
  // thousands of workers on a few cores, starting them is most of the wait).
  if (cancel != nullptr && cancel->load()) {
    return job::ResultFor(job, job::Outcome::kAbandoned, "abandoned: the experiment stopped before it began");
  }
  return classifier_ ? classifier_->Run(job, cancel) : command_->Run(job, cancel);
}

}  // namespace rungs::tune
