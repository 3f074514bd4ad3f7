// CSV rows: one example per row, the label from one column and the text from
// one or more columns joined in the order given.
#include <algorithm>
#include <span>

#include "text/csv_parser.h"
#include "text/format_readers.h"
#include "text/words.h"

namespace rungs::text {
namespace {

std::string Location(const LineReader& lines, int64_t line) {
  return lines.name() + ":" + std::to_string(line);
}

std::string JoinNames(std::span<const std::string> names) {
  std::string joined;
  for (const std::string& name : names) {
    if (!joined.empty()) joined += ", ";
    joined += "'" + name + "'";
  }
  return joined;
}

// The index of the column `spec` names: a header name first, else a 0-based index.
Result<size_t> ResolveColumn(const std::string& spec, std::string_view role,
                             std::span<const std::string> header, size_t width,
                             const std::string& where) {
  if (auto it = std::find(header.begin(), header.end(), spec); it != header.end()) {
    return static_cast<size_t>(it - header.begin());
  }
  bool is_index = !spec.empty() && spec.size() < 10 &&
                  std::all_of(spec.begin(), spec.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!is_index) {
    if (header.empty()) {
      return Fail(where + ": " + std::string(role) + " '" + spec +
                  "' must be a 0-based column index, since the file has no header");
    }
    return Fail(where + ": " + std::string(role) + " '" + spec +
                "' is not in the header (columns: " + JoinNames(header) + ")");
  }
  size_t index = std::stoul(spec);
  if (index >= width) {
    return Fail(where + ": " + std::string(role) + " " + spec + " is out of range: rows have " +
                std::to_string(width) + " columns (0.." + std::to_string(width - 1) + ")");
  }
  return index;
}

}  // namespace

Result<ReadStats> ReadCsvRows(LineReader& lines, const ReadOptions& options,
                              const ExampleSink& sink) {
  if (options.csv_text_columns.empty()) return Fail("no CSV text column given");
  lines.SkipUtf8Bom();
  CsvParser parser(lines);
  Result<bool> first = parser.Next();
  if (!first.ok()) return first.error();
  if (!*first) return Fail(lines.name() + ": no CSV rows, only blank lines");

  // The width every row must have: the header's, or else the first row's.
  const size_t width = parser.fields().size();
  const int64_t width_line = parser.line();
  std::vector<std::string> header;
  if (options.csv_has_header) header.assign(parser.fields().begin(), parser.fields().end());
  const std::string where = Location(lines, width_line);
  Result<size_t> label_column =
      ResolveColumn(options.csv_label_column, "label column", header, width, where);
  if (!label_column.ok()) return label_column.error();
  std::vector<size_t> text_columns;
  for (const std::string& spec : options.csv_text_columns) {
    Result<size_t> column = ResolveColumn(spec, "text column", header, width, where);
    if (!column.ok()) return column.error();
    text_columns.push_back(*column);
  }

  ReadStats stats;
  Example example;
  std::string normalized;
  bool pending = !options.csv_has_header;  // the first row is data when there is no header
  while (true) {
    if (!pending) {
      Result<bool> next = parser.Next();
      if (!next.ok()) return next.error();
      if (!*next) break;
    }
    pending = false;
    std::span<const std::string> fields = parser.fields();
    if (fields.size() != width) {
      return Fail(Location(lines, parser.line()) + ": row has " + std::to_string(fields.size()) +
                  " columns, expected " + std::to_string(width) + " like the " +
                  (options.csv_has_header ? "header" : "first row") + " on line " +
                  std::to_string(width_line));
    }
    example.labels.clear();
    AppendWords(fields[*label_column], example.labels);
    if (example.labels.empty() && !options.keep_unlabelled) {
      ++stats.skipped_no_label;
      continue;
    }
    example.words.clear();
    if (options.normalize) {
      normalized.clear();
      for (size_t column : text_columns) {
        AppendNormalized(fields[column], normalized);
        normalized.push_back(' ');
      }
      AppendWords(normalized, example.words);
    } else {
      for (size_t column : text_columns) AppendWords(fields[column], example.words);
    }
    example.line = parser.line();
    RUNGS_RETURN_IF_ERROR(sink(example));
    ++stats.examples;
  }
  return stats;
}

}  // namespace rungs::text
