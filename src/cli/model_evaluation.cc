#include "cli/model_evaluation.h"

#include <cstdio>

#include "cli/labelled_corpus.h"
#include "text/fasttext_bin.h"

namespace rungs::cli {

void AddEvaluationFlags(CLI::App& app, EvaluationFlags& flags) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // as fastText
  app.add_option("model", flags.model, "model file (.bin, fastText's format)")->required();
  app.add_option("file", flags.file, "labelled test data ('-' for stdin)")->required();
  app.add_option("k", flags.k, "number of labels predicted per example")->capture_default_str();
  app.add_option("threshold", flags.threshold, "minimal probability of a predicted label")
      ->capture_default_str();
  app.add_flag("--json", flags.json, "print the results as one JSON object");
  AddReaderFlags(app, flags.reader, ReaderUse::kModel);
}

Result<text::EvalResult> EvaluateFile(const EvaluationFlags& flags) {
  if (flags.k < 1) return Fail("k must be at least 1, got " + std::to_string(flags.k));
  Result<text::ModelFile> file = text::LoadFastTextBin(flags.model);
  if (!file.ok()) return file.error();
  Result<text::ReadOptions> options = flags.reader.ToReadOptionsFor(*file, flags.model, flags.file);
  if (!options.ok()) return options.error();
  Result<LabelledCorpus> loaded = LoadLabelledCorpus(flags.file, *options);
  if (!loaded.ok()) return loaded.error();
  std::string note = UnlabelledNote(flags.file, *loaded);
  if (!note.empty()) std::fprintf(stderr, "warning: %s\n", note.c_str());
  const text::Model& model = file->model;
  Result<std::shared_ptr<const text::Encoded>> data = loaded->corpus->EncodeWith(model.shared_dict());
  if (!data.ok()) return data.error();
  return text::Evaluate(model, **data, flags.k, flags.threshold);
}

std::string FormatGeneralMetrics(const text::EvalResult& result) {
  char text[160];
  std::snprintf(text, sizeof(text), "N\t%lld\nP@%d\t%.3g\nR@%d\t%.3g\n",
                static_cast<long long>(result.examples), result.k, result.PrecisionAtK(),
                result.k, result.RecallAtK());
  return text;
}

}  // namespace rungs::cli
