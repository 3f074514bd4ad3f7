// Fuzzes the JSON-lines reader (text/json_lines.cc, text/json_line.cc and
// the invalid-UTF-8 escape of text/utf8_escape.cc) as ReadExamples calls it.
// Byte 0 picks the options: bit 0 normalize, bit 1 keep unlabelled lines,
// bit 2 the label field "labels" instead of "label", bit 3 the text field
// "body" instead of "text"; the other bytes are the file.
#include "read_checked.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  rungs::text::ReadOptions options;
  options.format = rungs::text::Format::kJsonl;
  options.normalize = data[0] & 1;
  options.keep_unlabelled = data[0] & 2;
  if (data[0] & 4) options.json_label_field = "labels";
  if (data[0] & 8) options.json_text_field = "body";
  rungs::fuzz::ReadChecked(data + 1, size - 1, rungs::text::ReadJsonLines, options);
  return 0;
}
