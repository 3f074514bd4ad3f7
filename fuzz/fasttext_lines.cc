// Fuzzes the fastText-lines reader (text/fasttext_lines.cc, over
// text/line_reader.cc) as ReadExamples calls it. Byte 0 picks the options
// (bit 0 normalize, bit 1 keep unlabelled lines, bit 2 the label prefix "#"
// instead of "__label__"); the other bytes are the file.
#include "read_checked.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  rungs::text::ReadOptions options;
  options.format = rungs::text::Format::kFastText;
  options.normalize = data[0] & 1;
  options.keep_unlabelled = data[0] & 2;
  if (data[0] & 4) options.label_prefix = "#";
  rungs::fuzz::ReadChecked(data + 1, size - 1, rungs::text::ReadFastTextLines, options);
  return 0;
}
