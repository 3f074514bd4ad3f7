// The rungs side of the classifier benchmark (run_bench.py drives it next to
// `fasttext supervised`): loads a fastText-format training file, trains with
// fastText's flags, prints "trained" to stderr the moment training ends (the
// runner timestamps that line, as it does fastText's last progress line),
// then evaluates P@1 on the test file and trains a second configuration
// (lr x 0.8, seed + 1) from the already-loaded corpus. Prints one JSON object.
//
// Usage: classifier_bench TRAIN TEST [-epoch N] [-lr X] [-dim N] [-wordNgrams N]
//                         [-bucket N] [-minn N] [-maxn N] [-loss NAME] [-thread N] [-seed N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "text/args.h"
#include "text/corpus.h"
#include "text/evaluate.h"
#include "text/trainer.h"

namespace rungs::text {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Status ParseFlags(int argc, char** argv, TrainArgs& args) {
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "-epoch") args.epoch = std::stoi(value);
    else if (flag == "-lr") args.lr = std::stod(value);
    else if (flag == "-dim") args.dim = std::stoi(value);
    else if (flag == "-wordNgrams") args.dict.word_ngrams = std::stoi(value);
    else if (flag == "-bucket") args.dict.bucket = std::stoi(value);
    else if (flag == "-minn") args.dict.minn = std::stoi(value);
    else if (flag == "-maxn") args.dict.maxn = std::stoi(value);
    else if (flag == "-thread") args.thread = std::stoi(value);
    else if (flag == "-seed") args.seed = std::stoi(value);
    else if (flag == "-loss") {
      auto loss = ParseLoss(value);
      if (!loss.ok()) return loss.status();
      args.loss = *loss;
    } else {
      return Fail("unknown flag " + flag);
    }
  }
  return args.Validate();
}

// Trains `args` on `train` (its encoding comes from the corpus cache).
Result<Checkpoint> TrainModel(const Corpus& train, const TrainArgs& args) {
  auto data = train.Encode(args.dict);
  if (!data.ok()) return data.error();
  auto checkpoint = StartTraining(**data, args);
  if (!checkpoint.ok()) return checkpoint.error();
  auto report = Train(**data, LrSchedule::FastText(args), args.epoch, *checkpoint);
  if (!report.ok()) return report.error();
  if (report->stop != TrainStop::kDone) return Fail(report->message);
  return checkpoint;
}

Result<double> PrecisionAtOne(const Corpus& test, const Model& model) {
  auto data = test.EncodeWith(model.shared_dict());
  if (!data.ok()) return data.error();
  auto eval = Evaluate(model, **data, 1, 0.0f);
  if (!eval.ok()) return eval.error();
  return eval->PrecisionAtK();
}

Status Run(int argc, char** argv) {
  const Clock::time_point start = Clock::now();
  if (argc < 3) return Fail("usage: classifier_bench TRAIN TEST [fastText flags]");
  TrainArgs args;
  args.lr = 0.1;
  args.epoch = 5;
  RUNGS_RETURN_IF_ERROR(ParseFlags(argc, argv, args));
  ReadOptions options;
  options.format = Format::kFastText;
  options.label_prefix = args.dict.label;
  auto train = Corpus::Load(argv[1], options);
  if (!train.ok()) return train.error();
  const double load_seconds = Since(start);
  auto first = TrainModel(**train, args);
  if (!first.ok()) return first.error();
  const double trained_seconds = Since(start);
  std::cerr << "trained" << std::endl;

  auto test = Corpus::Load(argv[2], options);
  if (!test.ok()) return test.error();
  auto p1 = PrecisionAtOne(**test, first->model);
  if (!p1.ok()) return p1.error();
  const int nwords = first->model.dict().nwords();
  const int64_t ntokens = first->model.dict().ntokens();
  first = Fail("released");  // free the first model before the second training

  // A new configuration from the corpus already in memory, as a tuner trains it.
  TrainArgs second_args = args;
  second_args.lr = args.lr * 0.8;
  second_args.seed = args.seed + 1;
  const Clock::time_point second_start = Clock::now();
  auto second = TrainModel(**train, second_args);
  if (!second.ok()) return second.error();
  const double second_seconds = Since(second_start);
  auto second_p1 = PrecisionAtOne(**test, second->model);
  if (!second_p1.ok()) return second_p1.error();

  std::printf("{\"load_s\": %.3f, \"load_train_s\": %.3f, \"p1\": %.4f, "
              "\"second_train_s\": %.3f, \"second_p1\": %.4f, \"nwords\": %d, \"ntokens\": %lld}\n",
              load_seconds, trained_seconds, *p1, second_seconds, *second_p1,
              nwords, static_cast<long long>(ntokens));
  return Status::Ok();
}

}  // namespace
}  // namespace rungs::text

int main(int argc, char** argv) {
  rungs::Status status = rungs::text::Run(argc, argv);
  if (!status.ok()) {
    std::cerr << "classifier_bench: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
