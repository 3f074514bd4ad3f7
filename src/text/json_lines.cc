// JSON lines: one object per line; blank lines are ignored.
#include "text/format_readers.h"
#include "text/json_line.h"
#include "text/words.h"

namespace rungs::text {

Result<ReadStats> ReadJsonLines(LineReader& lines, const ReadOptions& options,
                                const ExampleSink& sink) {
  lines.SkipUtf8Bom();
  ReadStats stats;
  Example example;
  std::string normalized;
  while (true) {
    Result<std::optional<std::string_view>> line = lines.Next();
    if (!line.ok()) return line.error();
    if (!line->has_value()) break;
    std::string_view text = **line;
    if (text.find_first_not_of(" \t\r\f\v") == std::string_view::npos) continue;
    Result<JsonRecord> record =
        ParseJsonLine(text, options.json_label_field, options.json_text_field);
    if (!record.ok()) {
      return Fail(lines.name() + ":" + std::to_string(lines.line_number()) + ": " +
                  record.message());
    }
    example.labels.clear();
    for (const std::string& label : record->labels) AppendWords(label, example.labels);
    if (example.labels.empty() && !options.keep_unlabelled) {
      ++stats.skipped_no_label;
      continue;
    }
    example.words.clear();
    if (options.normalize) {
      normalized.clear();
      AppendNormalized(record->text, normalized);
      AppendWords(normalized, example.words);
    } else {
      AppendWords(record->text, example.words);
    }
    example.line = lines.line_number();
    RUNGS_RETURN_IF_ERROR(sink(example));
    ++stats.examples;
  }
  return stats;
}

}  // namespace rungs::text
