#include "text/csv_parser.h"

namespace rungs::text {

std::string& CsvParser::CurrentField() {
  if (field_count_ == fields_.size()) fields_.emplace_back();
  return fields_[field_count_];
}

void CsvParser::EndField() {
  // A field ended before any byte of it was seen (after a trailing comma) is empty.
  if (state_ == State::kFieldStart) CurrentField().clear();
  ++field_count_;
  state_ = State::kFieldStart;
}

Status CsvParser::ParseLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    switch (state_) {
      case State::kFieldStart:
        CurrentField().clear();
        if (line[i] == '"') {
          state_ = State::kQuoted;
          ++i;
        } else {
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted: {
        size_t comma = line.find(',', i);
        size_t end = comma == std::string_view::npos ? line.size() : comma;
        CurrentField().append(line.substr(i, end - i));
        i = end;
        if (comma != std::string_view::npos) {
          EndField();
          ++i;
        }
        break;
      }
      case State::kQuoted: {
        size_t quote = line.find('"', i);
        size_t end = quote == std::string_view::npos ? line.size() : quote;
        CurrentField().append(line.substr(i, end - i));
        i = end;
        if (quote != std::string_view::npos) {
          state_ = State::kAfterQuote;
          ++i;
        }
        break;
      }
      case State::kAfterQuote:
        if (line[i] == '"') {
          CurrentField().push_back('"');
          state_ = State::kQuoted;
        } else if (line[i] == ',') {
          EndField();
        } else {
          return Fail(lines_.name() + ":" + std::to_string(lines_.line_number()) + ": field " +
                      std::to_string(field_count_ + 1) + ": unexpected '" +
                      std::string(1, line[i]) + "' after a closing quote (a quote inside a " +
                      "quoted field must be doubled)");
        }
        ++i;
        break;
    }
  }
  return Status::Ok();
}

Result<bool> CsvParser::Next() {
  field_count_ = 0;
  state_ = State::kFieldStart;
  while (true) {
    Result<std::optional<std::string_view>> next = lines_.Next();
    if (!next.ok()) return next.error();
    if (!next->has_value()) {
      if (field_count_ == 0 && state_ == State::kFieldStart) return false;
      return Fail(lines_.name() + ":" + std::to_string(line_) +
                  ": a quoted field is not closed before the end of the file");
    }
    std::string_view line = **next;
    bool crlf = !line.empty() && line.back() == '\r';
    if (crlf) line.remove_suffix(1);
    bool record_start = field_count_ == 0 && state_ == State::kFieldStart;
    if (record_start) {
      if (line.empty()) continue;  // a blank line between records
      line_ = lines_.line_number();
    }
    RUNGS_RETURN_IF_ERROR(ParseLine(line));
    if (state_ == State::kQuoted) {
      // The line break is part of the quoted field, byte for byte.
      if (crlf) CurrentField().push_back('\r');
      CurrentField().push_back('\n');
      continue;
    }
    EndField();
    return true;
  }
}

}  // namespace rungs::text
