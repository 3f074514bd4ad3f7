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
  // CSV: a header is detected when `label_column` names a header field; columns
  // may be given by header name or by 0-based index ("0", "2").
  std::string csv_label_column = "label";
  std::vector<std::string> csv_text_columns = {"text"};
  bool csv_has_header = true;  // false: columns are by index only
  // JSON lines: field names; the label may be a string, a number, or an array of them.
  std::string json_label_field = "label";
  std::string json_text_field = "text";
  // Deliver examples without a label too (predict); otherwise they are skipped and counted.
  bool keep_unlabelled = false;
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

// Calls `sink` for each labelled example of `path`, in file order. Fails with
// a message naming the file and line for unreadable files and malformed input
// (a CSV row with the wrong number of columns, a bad JSON line); stops at the
// first failed Status returned by `sink` and returns it.
Result<ReadStats> ReadExamples(const std::string& path, const ReadOptions& options,
                               const std::function<Status(const Example&)>& sink);

// Splits one line of text into words the way ReadExamples does (for predict,
// which reads raw lines). Views point into `line` or into `scratch`.
void SplitWords(std::string_view line, bool normalize, std::string& scratch,
                std::vector<std::string_view>& words);

}  // namespace rungs::text
