#include "cli/labelled_corpus.h"

namespace rungs::cli {

Result<LabelledCorpus> LoadLabelledCorpus(const std::string& path,
                                          const text::ReadOptions& options) {
  text::ReadOptions keep_all = options;
  keep_all.keep_unlabelled = true;
  text::Corpus::Builder builder;
  LabelledCorpus loaded;
  Result<text::ReadStats> stats = text::ReadExamples(path, keep_all, [&](const text::Example& e) {
    if (!e.labels.empty()) {
      ++loaded.labelled;
    } else if (!e.words.empty()) {
      ++loaded.unlabelled;
    }
    builder.Add(e.labels, e.words);
    return Status::Ok();
  });
  if (!stats.ok()) return stats.error();
  if (loaded.labelled == 0) {
    return text::NoLabelError(path == "-" ? "<stdin>" : path, options, loaded.unlabelled);
  }
  Result<std::shared_ptr<text::Corpus>> corpus = std::move(builder).Finish();
  if (!corpus.ok()) return corpus.error();
  loaded.corpus = std::move(*corpus);
  return loaded;
}

std::string UnlabelledNote(const std::string& path, const LabelledCorpus& loaded) {
  if (loaded.unlabelled == 0) return "";
  return (path == "-" ? std::string("<stdin>") : path) + ": " +
         std::to_string(loaded.unlabelled) + (loaded.unlabelled == 1 ? " line" : " lines") +
         " without a label skipped";
}

}  // namespace rungs::cli
