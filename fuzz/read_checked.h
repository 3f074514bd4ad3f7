// Reads fuzz bytes as a data file with one format's reader, as ReadExamples
// calls it, checking what reader.h promises about every example delivered.
// The file is read in 16-byte chunks, so lines and CSV records cross chunk
// boundaries (and a run costs no 1 MiB buffer).
#pragma once

#include <string>

#include "fuzz_check.h"
#include "text/format_readers.h"
#include "text/reader.h"
#include "text/words.h"

namespace rungs::fuzz {

inline bool IsWord(std::string_view word, bool may_be_empty) {
  if (word.empty()) return may_be_empty;
  for (char c : word) {
    if (text::IsWordSeparator(c)) return false;
  }
  return true;
}

using FormatReader = Result<text::ReadStats> (*)(text::LineReader&, const text::ReadOptions&,
                                                 const text::ExampleSink&);

inline void ReadChecked(const uint8_t* data, size_t size, FormatReader read,
                        const text::ReadOptions& options) {
  const std::string path = BytesAsFile(data, size);
  Result<text::LineReader> lines = text::LineReader::Open(path, 16);
  if (!lines.ok()) {
    FUZZ_CHECK(size == 0);  // an empty file is an error
    return;
  }
  int64_t delivered = 0;
  int64_t last_line = 0;
  Result<text::ReadStats> stats =
      read(*lines, options, [&](const text::Example& example) {
        FUZZ_CHECK(example.line > last_line);  // 1-based, in file order
        last_line = example.line;
        FUZZ_CHECK(options.keep_unlabelled || !example.labels.empty());
        // A label is bare: "__label__" alone is the empty label.
        for (std::string_view label : example.labels) FUZZ_CHECK(IsWord(label, true));
        for (std::string_view word : example.words) {
          FUZZ_CHECK(IsWord(word, false));
          if (options.normalize) {
            for (char c : word) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
          }
        }
        ++delivered;
        return Status::Ok();
      });
  if (!stats.ok()) {
    FUZZ_CHECK(stats.message().find(path) != std::string::npos);  // errors name the file
    return;
  }
  FUZZ_CHECK(stats->examples == delivered);
}

}  // namespace rungs::fuzz
