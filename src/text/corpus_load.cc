// Corpus::Load lives apart from the rest of the corpus so that code building
// corpora in memory does not pull in the file readers.
#include "text/corpus.h"

namespace rungs::text {

Result<std::shared_ptr<Corpus>> Corpus::Load(const std::string& path, const ReadOptions& options) {
  ReadOptions keep_all = options;
  keep_all.keep_unlabelled = true;  // fastText counts words of unlabelled lines too
  Builder builder;
  Result<ReadStats> stats = ReadExamples(path, keep_all, [&](const Example& example) {
    builder.Add(example.labels, example.words);
    return Status::Ok();
  });
  if (!stats.ok()) return stats.error();
  if (stats->examples == 0) return Fail(path + ": no example found");
  return std::move(builder).Finish();
}

}  // namespace rungs::text
