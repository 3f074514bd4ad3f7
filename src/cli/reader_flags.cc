#include "cli/reader_flags.h"

namespace rungs::cli {

void AddReaderFlags(CLI::App& app, ReaderFlags& flags, bool with_label_prefix) {
  app.add_option("--format", flags.format,
                 "input format: auto (by extension: .csv, .jsonl), fasttext, csv or jsonl")
      ->capture_default_str();
  app.add_option("--label-column", flags.label_column,
                 "CSV column (header name or 0-based index) or JSON field holding the label")
      ->capture_default_str();
  app.add_option("--text-column", flags.text_columns,
                 "CSV column or JSON field holding text; repeat to join several CSV columns "
                 "[default: text]")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--no-header", flags.no_header,
               "the CSV file has no header row: give columns by 0-based index");
  app.add_flag("--normalize", flags.normalize,
               "lowercase ASCII letters and split punctuation from words; give it at train, "
               "test and predict alike");
  if (with_label_prefix) {
    app.add_option("--label", flags.label_prefix, "labels prefix (fastText lines)")
        ->capture_default_str();
  }
}

Result<text::ReadOptions> ReaderFlags::ToReadOptions(const std::string& path) const {
  Result<text::Format> parsed_format = text::ParseFormat(format);
  if (!parsed_format.ok()) return Fail("--format: " + parsed_format.message());
  if (label_prefix.empty()) return Fail("-label must not be empty");
  std::vector<std::string> texts = text_columns.empty() ? std::vector<std::string>{"text"}
                                                        : text_columns;
  text::ReadOptions options;
  options.format = text::ResolveFormat(path, *parsed_format);
  options.normalize = normalize;
  options.label_prefix = label_prefix;
  options.csv_label_column = label_column;
  options.csv_text_columns = texts;
  options.csv_has_header = !no_header;
  options.json_label_field = label_column;
  if (texts.size() > 1 && options.format == text::Format::kJsonl) {
    return Fail("--text-column: JSON lines take one text field, got " +
                std::to_string(texts.size()));
  }
  options.json_text_field = texts.front();
  return options;
}

}  // namespace rungs::cli
