#include "cli/predict_lines.h"

#include <cmath>
#include <cstdio>

#include "text/fasttext_bin.h"
#include "text/model.h"

namespace rungs::cli {

void AddPredictFlags(CLI::App& app, PredictFlags& flags) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // as fastText
  app.add_option("model", flags.model, "model file (.bin, fastText's format)")->required();
  app.add_option("file", flags.file, "text to classify, one example a line ('-' for stdin)")
      ->required();
  app.add_option("k", flags.k, "number of labels per line (-1: all)")->capture_default_str();
  app.add_option("threshold", flags.threshold, "minimal probability of a printed label")
      ->capture_default_str();
  AddReaderFlags(app, flags.reader, ReaderUse::kModel);
}

Status PredictLines(const PredictFlags& flags, bool with_probabilities) {
  Result<text::ModelFile> file = text::LoadFastTextBin(flags.model);
  if (!file.ok()) return file.error();
  Result<text::ReadOptions> options = flags.reader.ToReadOptionsFor(*file, flags.model, flags.file);
  if (!options.ok()) return options.error();
  options->keep_unlabelled = true;
  options->allow_empty = true;  // as fastText: nothing in, nothing out
  const text::Model& model = file->model;

  std::vector<text::Prediction> predictions;
  text::PredictScratch scratch;
  std::string line;
  Result<text::ReadStats> stats = text::ReadExamples(flags.file, *options, [&](const text::Example& e) {
    model.PredictWords(e.words, flags.k, flags.threshold, predictions, scratch);
    line.clear();
    for (const text::Prediction& p : predictions) {
      if (!line.empty()) line.push_back(' ');
      line += model.dict().Label(p.label);
      if (with_probabilities) {
        // fastText prints the float probability with six significant digits.
        char probability[32];
        std::snprintf(probability, sizeof(probability), " %g",
                      static_cast<double>(std::exp(p.log_prob)));
        line += probability;
      }
    }
    line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) {
      return Status(Fail("cannot write predictions to stdout"));
    }
    return Status::Ok();
  });
  if (!stats.ok()) return stats.status();
  if (std::fflush(stdout) != 0) return Fail("cannot write predictions to stdout");
  return Status::Ok();
}

}  // namespace rungs::cli
