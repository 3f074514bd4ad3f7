// rungs train: fastText's `supervised`, with its flag names and defaults,
// plus the reader flags; writes <output>.bin in fastText's format, with the
// preprocessing (--normalize or none) recorded in its rungs trailer.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/command.h"
#include "cli/labelled_corpus.h"
#include "cli/progress_line.h"
#include "cli/reader_flags.h"
#include "text/args.h"
#include "text/fasttext_bin.h"
#include "text/trainer.h"

namespace rungs::cli {
namespace {

struct TrainFlags {
  std::string input;
  std::string output;
  std::string loss = "softmax";
  text::TrainArgs args;
  ReaderFlags reader;
  bool progress = false;
  const CLI::Option* verbose_option = nullptr;
};

void AddTrainFlags(CLI::App& app, TrainFlags& f) {
  text::TrainArgs& a = f.args;
  app.add_option("--input", f.input, "training file path ('-' for stdin)")->required();
  app.add_option("--output", f.output, "output file path (writes <output>.bin)")->required();
  app.add_option("--lr", a.lr, "learning rate")->capture_default_str();
  app.add_option("--dim", a.dim, "size of word vectors")->capture_default_str();
  app.add_option("--ws", a.ws, "size of the context window (stored only)")->capture_default_str();
  app.add_option("--epoch", a.epoch, "number of epochs")->capture_default_str();
  app.add_option("--minCount", a.dict.min_count, "minimal number of word occurences")
      ->capture_default_str();
  app.add_option("--minCountLabel", a.dict.min_count_label,
                 "minimal number of label occurences")
      ->capture_default_str();
  app.add_option("--neg", a.neg, "number of negatives sampled")->capture_default_str();
  app.add_option("--wordNgrams", a.dict.word_ngrams, "max length of word ngram")
      ->capture_default_str();
  app.add_option("--loss", f.loss, "loss function {ns, hs, softmax, ova}")->capture_default_str();
  app.add_option("--bucket", a.dict.bucket, "number of buckets")->capture_default_str();
  app.add_option("--minn", a.dict.minn, "min length of char ngram")->capture_default_str();
  app.add_option("--maxn", a.dict.maxn, "max length of char ngram")->capture_default_str();
  app.add_option("--thread", a.thread, "number of threads")->capture_default_str();
  app.add_option("--lrUpdateRate", a.lr_update_rate, "change the rate of updates for the learning rate")
      ->capture_default_str();
  app.add_option("-t,--t", a.t, "sampling threshold (stored only)")->capture_default_str();
  app.add_option("--seed", a.seed, "random generator seed")->capture_default_str();
  f.verbose_option = app.add_option("--verbose", a.verbose, "verbosity level")->capture_default_str();
  app.add_flag("--keep-order", a.keep_order, "train in file order instead of shuffled");
  app.add_flag("--progress", f.progress,
               "print progress even when stderr is not a terminal (one line per second)");
  AddReaderFlags(app, f.reader, ReaderUse::kTrain);
}

// Fails before a long training, rather than after it, when the model file
// cannot be written.
Status CheckWritable(const std::string& path) {
  bool existed = ::access(path.c_str(), F_OK) == 0;
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr) return Fail("cannot write '" + path + "': " + std::strerror(errno));
  std::fclose(file);
  if (!existed) std::remove(path.c_str());
  return Status::Ok();
}

Status RunTrain(const TrainFlags& f) {
  text::TrainArgs args = f.args;
  Result<text::Loss> loss = text::ParseLoss(f.loss);
  if (!loss.ok()) return loss.error();
  args.loss = *loss;
  args.dict.label = f.reader.label_prefix;
  RUNGS_RETURN_IF_ERROR(args.Validate());
  const std::string model_path = f.output + ".bin";
  RUNGS_RETURN_IF_ERROR(CheckWritable(model_path));

  Result<text::ReadOptions> options = f.reader.ToReadOptions(f.input);
  if (!options.ok()) return options.error();
  Result<LabelledCorpus> loaded = LoadLabelledCorpus(f.input, *options);
  if (!loaded.ok()) return loaded.error();
  std::string note = UnlabelledNote(f.input, *loaded);
  if (!note.empty() && args.verbose > 0) std::fprintf(stderr, "warning: %s\n", note.c_str());
  Result<std::shared_ptr<const text::Encoded>> data = loaded->corpus->Encode(args.dict);
  if (!data.ok()) return data.error();

  ProgressLine progress(
      ProgressLine::Choose(args.verbose, f.verbose_option->count() > 0, f.progress,
                           ::isatty(::fileno(stderr)) != 0),
      stderr, args.thread, args.epoch);
  if (progress.enabled()) {
    const text::Dictionary& dict = *(*data)->dict;
    std::fprintf(stderr, "Read %lldM words\nNumber of words:  %d\nNumber of labels: %d\n",
                 static_cast<long long>(dict.ntokens() / 1000000), dict.nwords(),
                 dict.nlabels());
  }
  Result<text::Checkpoint> checkpoint = text::StartTraining(**data, args);
  if (!checkpoint.ok()) return checkpoint.error();
  text::TrainControl control;
  control.progress_interval = progress.interval();
  control.on_progress = [&](const text::TrainProgress& p) { progress.Update(p); };
  Result<text::TrainReport> report = text::Train(**data, text::LrSchedule::FastText(args),
                                                 args.epoch, *checkpoint, control);
  progress.Finish();
  if (!report.ok()) return report.error();
  if (report->stop != text::TrainStop::kDone) {
    return Fail("training stopped at epoch " + std::to_string(report->epoch) + ": " +
                report->message);
  }
  return text::SaveFastTextBin(checkpoint->model, {.normalize = options->normalize}, model_path);
}

}  // namespace

Command AddTrainCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "train", "train a supervised classifier, as `fasttext supervised` (flags take one dash or two)");
  // As in fastText, a flag given twice takes its last value.
  sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  auto flags = std::make_shared<TrainFlags>();
  AddTrainFlags(*sub, *flags);
  return {sub, [flags] { return RunTrain(*flags); }};
}

}  // namespace rungs::cli
