// fastText lines: every word starting with the label prefix is a label,
// wherever it stands on the line; the other words are the text.
#include "text/format_readers.h"
#include "text/words.h"

namespace rungs::text {

Result<ReadStats> ReadFastTextLines(LineReader& lines, const ReadOptions& options,
                                    const ExampleSink& sink) {
  if (options.label_prefix.empty()) return Fail("the label prefix must not be empty");
  ReadStats stats;
  Example example;
  std::vector<std::string_view> tokens;
  std::string normalized;
  while (true) {
    Result<std::optional<std::string_view>> line = lines.Next();
    if (!line.ok()) return line.error();
    if (!line->has_value()) break;
    tokens.clear();
    AppendWords(**line, tokens);
    example.labels.clear();
    example.words.clear();
    normalized.clear();
    for (std::string_view token : tokens) {
      if (token.starts_with(options.label_prefix)) {
        example.labels.push_back(token.substr(options.label_prefix.size()));
      } else if (options.normalize) {
        AppendNormalized(token, normalized);
        normalized.push_back(' ');
      } else {
        example.words.push_back(token);
      }
    }
    if (options.normalize) AppendWords(normalized, example.words);
    if (example.labels.empty() && !options.keep_unlabelled) {
      if (!tokens.empty()) ++stats.skipped_no_label;
      continue;
    }
    example.line = lines.line_number();
    RUNGS_RETURN_IF_ERROR(sink(example));
    ++stats.examples;
  }
  return stats;
}

}  // namespace rungs::text
