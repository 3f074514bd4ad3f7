// CsvParser: the records of an RFC 4180 CSV file, one at a time.
//
// Fields are separated by ',' and records by LF or CRLF. A field in double
// quotes may hold commas, newlines (kept byte for byte, CRLF included) and
// doubled quotes (""), which stand for one quote. A quote inside an unquoted
// field is kept as it is. Blank lines between records are skipped. Not
// thread-safe; reads from a LineReader it does not own.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "text/line_reader.h"

namespace rungs::text {

class CsvParser {
 public:
  explicit CsvParser(LineReader& lines) : lines_(lines) {}

  // Reads the next record: true when one was read, false at the end of the
  // input. Fails, naming file and line, on a quoted field that never closes
  // or on bytes after a closing quote other than ',' or the end of the line.
  Result<bool> Next();

  // The fields of the last record read; valid until the next call.
  std::span<const std::string> fields() const { return {fields_.data(), field_count_}; }
  // 1-based line on which the last record read starts.
  int64_t line() const { return line_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };

  // Parses one physical line into the current record; the record continues
  // on the next line when the line ends inside quotes.
  Status ParseLine(std::string_view line);
  std::string& CurrentField();
  void EndField();

  LineReader& lines_;
  std::vector<std::string> fields_;  // reused across records; the first field_count_ are live
  size_t field_count_ = 0;
  State state_ = State::kFieldStart;
  int64_t line_ = 0;
};

}  // namespace rungs::text
