#include "cli/reader_flags.h"

namespace rungs::cli {

void AddReaderFlags(CLI::App& app, ReaderFlags& flags, ReaderUse use) {
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
  if (use == ReaderUse::kTrain) {
    app.add_flag("--normalize", flags.normalize,
                 "lowercase ASCII letters and split punctuation from words; the model records "
                 "it, and test and predict apply it by themselves");
  } else if (use == ReaderUse::kModel) {
    app.add_flag("--normalize", flags.normalize,
                 "normalize the text, for a model that does not record its preprocessing "
                 "(fastText's, older rungs'); rungs applies a recorded one by itself");
  }
  if (use != ReaderUse::kModel) {
    app.add_option("--label", flags.label_prefix,
                   use == ReaderUse::kTrain ? "labels prefix (fastText lines)"
                                            : "labels prefix: finds labels in fastText lines, "
                                              "and is written before every label")
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

Result<text::ReadOptions> ReaderFlags::ToReadOptionsFor(const text::ModelFile& model,
                                                        const std::string& model_path,
                                                        const std::string& path) const {
  Result<text::ReadOptions> options = ToReadOptions(path);
  if (!options.ok()) return options.error();
  options->label_prefix = model.model.args().dict.label;
  if (!model.preprocessing) return options;  // unknown: the user says
  if (normalize && !model.preprocessing->normalize) {
    return Fail("--normalize: " + model_path +
                " records that it was trained on text as it is (preprocessing: none); "
                "normalized text would not be what it learned from. Leave --normalize out.");
  }
  options->normalize = model.preprocessing->normalize;
  return options;
}

}  // namespace rungs::cli
