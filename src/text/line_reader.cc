#include "text/line_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace rungs::text {

void LineReader::FileCloser::operator()(std::FILE* file) const {
  if (file != stdin) std::fclose(file);
}

LineReader::LineReader(std::string name, std::FILE* file, size_t chunk_bytes)
    : name_(std::move(name)), file_(file), chunk_bytes_(chunk_bytes) {}

Result<LineReader> LineReader::Open(const std::string& path, size_t chunk_bytes,
                                    IfEmpty if_empty) {
  if (path.empty()) return Fail("no input file given");
  std::FILE* file = stdin;
  std::string name = "<stdin>";
  if (path != "-") {
    name = path;
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) {
      return Fail("cannot open '" + path + "': " + std::strerror(errno));
    }
    if (S_ISDIR(info.st_mode)) return Fail("cannot read '" + path + "': it is a directory");
    file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return Fail("cannot open '" + path + "': " + std::strerror(errno));
  }
  LineReader reader(std::move(name), file, chunk_bytes);
  Result<bool> filled = reader.Fill();
  if (!filled.ok()) return filled.error();
  if (!*filled && if_empty == IfEmpty::kFail) return Fail("'" + reader.name_ + "' is empty");
  // Its bytes would be read as words with NULs between the letters, and
  // every line as one without a label. Neither 0xFF nor 0xFE is in UTF-8.
  if (reader.buffer_.starts_with("\xFF\xFE") || reader.buffer_.starts_with("\xFE\xFF")) {
    return Fail("'" + reader.name_ + "' is UTF-16 text (it starts with a UTF-16 byte order " +
                "mark); rungs reads UTF-8: convert it first, e.g. iconv -f UTF-16 -t UTF-8");
  }
  return reader;
}

void LineReader::SkipUtf8Bom() {
  if (line_number_ == 0 && begin_ == 0 && buffer_.starts_with("\xEF\xBB\xBF")) begin_ = 3;
}

Result<bool> LineReader::Fill() {
  if (eof_) return false;
  // Drop consumed bytes first so the buffer holds at most one partial line
  // plus one chunk.
  buffer_.erase(0, begin_);
  begin_ = 0;
  size_t old_size = buffer_.size();
  buffer_.resize(old_size + chunk_bytes_);
  size_t got = std::fread(buffer_.data() + old_size, 1, chunk_bytes_, file_.get());
  buffer_.resize(old_size + got);
  if (got < chunk_bytes_) {
    if (std::ferror(file_.get())) {
      return Fail("cannot read '" + name_ + "': " + std::strerror(errno));
    }
    eof_ = true;
  }
  return got > 0;
}

Result<std::optional<std::string_view>> LineReader::Next() {
  size_t searched = begin_;
  while (true) {
    size_t end = buffer_.find('\n', searched);
    if (end != std::string::npos) {
      std::string_view line(buffer_.data() + begin_, end - begin_);
      begin_ = end + 1;
      ++line_number_;
      return std::optional<std::string_view>(line);
    }
    searched = buffer_.size() - begin_;  // offset after Fill moves the unread bytes to 0
    Result<bool> filled = Fill();
    if (!filled.ok()) return filled.error();
    if (!*filled) break;
  }
  if (begin_ == buffer_.size()) return std::optional<std::string_view>();
  std::string_view line(buffer_.data() + begin_, buffer_.size() - begin_);
  begin_ = buffer_.size();
  ++line_number_;
  return std::optional<std::string_view>(line);
}

}  // namespace rungs::text
