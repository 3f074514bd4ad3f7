// Loading a data file for train, test and test-label: the corpus (every
// line, as fastText counts words of unlabelled lines too) and how many lines
// carry no label, which the commands report.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "text/corpus.h"
#include "text/reader.h"

namespace rungs::cli {

struct LabelledCorpus {
  std::shared_ptr<text::Corpus> corpus;
  int64_t labelled = 0;    // examples with at least one label
  int64_t unlabelled = 0;  // non-blank lines or rows without a label
};

// Reads `path`. Fails with the reader's message, or naming the file when no
// line carries a label.
Result<LabelledCorpus> LoadLabelledCorpus(const std::string& path,
                                          const text::ReadOptions& options);

// "<file>: 3 lines without a label were skipped", or "" when there are none.
std::string UnlabelledNote(const std::string& path, const LabelledCorpus& loaded);

}  // namespace rungs::cli
