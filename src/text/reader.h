// Readers: stream labelled examples out of the files users have.
//
// Formats: fastText lines (`__label__a __label__b some text`), CSV (RFC 4180,
// with or without a header, a label column and one or more text columns to
// join) and JSON lines ({"label": ..., "text": ...}). Every reader is
// streaming (constant memory in the file size) and byte-safe: bytes are passed
// through untouched, so latin-1 or invalid UTF-8 is neither rejected nor
// mangled. Text is split into words exactly where fastText splits (space,
// \t, \n, \v, \f, \r, \0). With `normalize`, words are lowercased (ASCII) and
// punctuation is split off into words of its own, identically at train, test
// and predict time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rungs::text {

enum class Format { kAuto, kFastText, kCsv, kJsonl };

struct ReadOptions {
  Format format = Format::kAuto;  // kAuto: by extension (.csv, .jsonl/.json), else fastText lines
  bool normalize = false;
  // fastText lines: a word starting with this prefix is a label.
  std::string label_prefix = "__label__";
  // CSV: columns are given by header name or by 0-based index ("0", "2"); the
  // text columns are joined in the order given. A label field holding
  // whitespace is several labels, as on a fastText line.
  std::string csv_label_column = "label";
  std::vector<std::string> csv_text_columns = {"text"};
  bool csv_has_header = true;  // true: the first row is the header; false: columns by index only
  // JSON lines: field names; the label may be a string, a number, or an array of them.
  std::string json_label_field = "label";
  std::string json_text_field = "text";
  // Deliver examples without a label too (predict); otherwise they are skipped and counted.
  bool keep_unlabelled = false;
  // An empty input, or one without an example, is no error: nothing is
  // delivered (predict, whose empty input fastText answers with nothing).
  bool allow_empty = false;
};

// One example, valid only during the callback that receives it. Labels are
// bare (no prefix); `words` are the text's words in order.
struct Example {
  std::vector<std::string_view> labels;
  std::vector<std::string_view> words;
  int64_t line = 0;  // 1-based line where the example starts, for messages
};

struct ReadStats {
  int64_t examples = 0;         // delivered to the callback
  int64_t skipped_no_label = 0; // lines/rows without a label (skipped, counted)
};

// Calls `sink` for each labelled example of `path` ("-" reads stdin), in file
// order. Fails with a message naming the file (and line, for malformed input)
// when the file is missing, unreadable or empty, when it holds no labelled
// example at all (or, with keep_unlabelled, no example; neither with
// allow_empty), on a CSV row with the
// wrong number of columns, a column that does not exist, or a bad JSON line.
// Stops at the first failed Status returned by `sink` and returns it. Blank
// lines are ignored and not counted; other lines without a label are skipped
// and counted in ReadStats::skipped_no_label. Thread-safe for distinct calls.
Result<ReadStats> ReadExamples(const std::string& path, const ReadOptions& options,
                               const std::function<Status(const Example&)>& sink);

// The error for data in which no example has a label (`name` names the
// file), as `rungs train` and `rungs tune` give it, with a hint on how
// labels are written and the count of lines without one.
Status NoLabelError(const std::string& name, const ReadOptions& options, int64_t unlabelled);

inline constexpr Format kFormats[] = {Format::kAuto, Format::kFastText, Format::kCsv, Format::kJsonl};

// "auto", "fasttext", "csv" or "jsonl": the names flags, experiment files and
// job requests use.
std::string_view FormatName(Format format);
// The format FormatName gives `name`; fails naming it and the formats otherwise.
Result<Format> ParseFormat(std::string_view name);

// The format `options.format` means for `path`: kAuto picks by extension
// (.csv; .jsonl, .ndjson, .json), else fastText lines.
Format ResolveFormat(const std::string& path, Format format);

// Splits one line of text into words the way ReadExamples does (for predict,
// which reads raw lines). Views point into `line` or into `scratch`.
void SplitWords(std::string_view line, bool normalize, std::string& scratch,
                std::vector<std::string_view>& words);

}  // namespace rungs::text
