// rungs quantize: fastText's `quantize` with its flag names and defaults:
// reads <output>.bin (any supervised fastText model), writes <output>.ftz.
#include <unistd.h>

#include <cstdio>

#include "cli/command.h"
#include "cli/labelled_corpus.h"
#include "cli/progress_line.h"
#include "cli/reader_flags.h"
#include "text/fasttext_bin.h"
#include "text/quantize.h"

namespace rungs::cli {
namespace {

struct QuantizeFlags {
  std::string input;
  std::string output;
  text::QuantizeArgs args;
  int verbose = 2;
  ReaderFlags reader;
};

void AddQuantizeFlags(CLI::App& app, QuantizeFlags& f) {
  text::QuantizeArgs& a = f.args;
  app.add_option("--output", f.output, "model to quantize: reads <output>.bin, writes <output>.ftz")
      ->required();
  app.add_option("--input", f.input, "training file, needed by --retrain");
  app.add_option("--dsub", a.dsub, "size of each sub-vector")->capture_default_str();
  app.add_flag("--qnorm", a.qnorm, "quantize the norm separately");
  app.add_flag("--qout", a.qout, "quantize the classifier (needs 256 labels or more)");
  app.add_option("--cutoff", a.cutoff, "number of words and ngrams to retain (0: all)")
      ->capture_default_str();
  app.add_flag("--retrain", a.retrain, "finetune the embeddings kept by --cutoff");
  app.add_option("--epoch", a.epoch, "epochs of the retraining")->capture_default_str();
  app.add_option("--lr", a.lr, "learning rate of the retraining")->capture_default_str();
  app.add_option("--thread", a.thread, "number of threads")->capture_default_str();
  app.add_option("--verbose", f.verbose, "verbosity level")->capture_default_str();
  AddReaderFlags(app, f.reader, ReaderUse::kModel);
}

// The training corpus for --retrain with --cutoff (read as the model
// prepares text), else null.
Result<std::shared_ptr<text::Corpus>> RetrainCorpus(const QuantizeFlags& f,
                                                    const text::ModelFile& file) {
  const text::Model& model = file.model;
  if (!f.args.retrain || f.args.cutoff == 0 || f.args.cutoff >= model.input().rows()) {
    return std::shared_ptr<text::Corpus>();
  }
  if (f.input.empty()) return Fail("--retrain with --cutoff needs the training file (--input)");
  Result<text::ReadOptions> options = f.reader.ToReadOptionsFor(file, f.output + ".bin", f.input);
  if (!options.ok()) return options.error();
  Result<LabelledCorpus> loaded = LoadLabelledCorpus(f.input, *options);
  if (!loaded.ok()) return loaded.error();
  std::string note = UnlabelledNote(f.input, *loaded);
  if (!note.empty() && f.verbose > 0) std::fprintf(stderr, "warning: %s\n", note.c_str());
  return loaded->corpus;
}

Status RunQuantize(const QuantizeFlags& f) {
  Result<text::ModelFile> file = text::LoadFastTextBin(f.output + ".bin");
  if (!file.ok()) return file.error();
  const text::Model& model = file->model;
  RUNGS_RETURN_IF_ERROR(f.args.Validate(model.args().dim));
  Result<std::shared_ptr<text::Corpus>> corpus = RetrainCorpus(f, *file);
  if (!corpus.ok()) return corpus.error();
  ProgressLine progress(ProgressLine::Choose(f.verbose, true, false, ::isatty(::fileno(stderr)) != 0),
                        stderr, f.args.thread, f.args.epoch);
  text::TrainControl control;
  control.progress_interval = progress.interval();
  control.on_progress = [&](const text::TrainProgress& p) { progress.Update(p); };
  Result<text::Model> quantized = text::Quantize(model, f.args, corpus->get(), control);
  if (*corpus != nullptr) progress.Finish();
  if (!quantized.ok()) return quantized.error();
  // The .ftz records the preprocessing the .bin recorded (none if it had none).
  return text::SaveFastTextBin(*quantized, file->preprocessing.value_or(text::Preprocessing{}),
                               f.output + ".ftz");
}

}  // namespace

Command AddQuantizeCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "quantize",
      "quantize a supervised model into <output>.ftz, as `fasttext quantize` (flags take one "
      "dash or two)");
  sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  auto flags = std::make_shared<QuantizeFlags>();
  AddQuantizeFlags(*sub, *flags);
  return {sub, [flags] { return RunQuantize(*flags); }};
}

}  // namespace rungs::cli
