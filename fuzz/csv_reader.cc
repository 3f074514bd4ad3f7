// Fuzzes the CSV reader (text/csv_rows.cc and text/csv_parser.cc) as
// ReadExamples calls it. Byte 0 picks the options: bit 0 the first row is a
// header, bit 1 normalize, bit 2 keep unlabelled rows, bits 3-4 the label
// column ("label", "0", "1", "9"), bits 5-6 the text columns ("text"; "1";
// "1" and "2"; "2", "0" and "text"); the other bytes are the file.
#include "read_checked.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kLabelColumns[] = {"label", "0", "1", "9"};
  static const std::vector<std::string> kTextColumns[] = {
      {"text"}, {"1"}, {"1", "2"}, {"2", "0", "text"}};
  rungs::text::ReadOptions options;
  options.format = rungs::text::Format::kCsv;
  options.csv_has_header = data[0] & 1;
  options.normalize = data[0] & 2;
  options.keep_unlabelled = data[0] & 4;
  options.csv_label_column = kLabelColumns[(data[0] >> 3) & 3];
  options.csv_text_columns = kTextColumns[(data[0] >> 5) & 3];
  rungs::fuzz::ReadChecked(data + 1, size - 1, rungs::text::ReadCsvRows, options);
  return 0;
}
