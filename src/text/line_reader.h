// LineReader: the lines of a file (or of stdin, for the path "-"), read in
// fixed-size chunks so memory stays bounded by the chunk size plus the
// longest line, whatever the file size.
//
// Lines end at '\n', which is not part of the line; a last line without '\n'
// is still a line. Bytes are passed through untouched ('\r', '\0', latin-1 and
// invalid UTF-8 included). Not thread-safe: one reader per thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::text {

class LineReader {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;

  // What Open does with an input of no bytes at all.
  enum class IfEmpty { kFail, kNoLines };

  // Opens `path` ("-" is stdin). Fails, naming the path, when it cannot be
  // opened or read, is a directory, or (with IfEmpty::kFail) holds no bytes
  // at all. `chunk_bytes` (at least 3, so a byte order mark is within the
  // first chunk) is how much is read at a time; tests and fuzz targets read
  // small chunks, so that lines cross chunk boundaries in files of a few
  // bytes.
  static Result<LineReader> Open(const std::string& path, size_t chunk_bytes = kChunkBytes,
                                 IfEmpty if_empty = IfEmpty::kFail);

  // Skips a UTF-8 byte order mark at the very start of the input, if any.
  // Call before the first Next.
  void SkipUtf8Bom();

  // The next line, or nullopt at the end of the input; fails on a read error.
  // The view is valid until the next call.
  Result<std::optional<std::string_view>> Next();

  // 1-based number of the line last returned by Next (0 before the first).
  int64_t line_number() const { return line_number_; }
  // The path as given, or "<stdin>", for messages.
  const std::string& name() const { return name_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const;
  };

  LineReader(std::string name, std::FILE* file, size_t chunk_bytes);
  // Appends the next chunk to buffer_; false at the end of the input.
  Result<bool> Fill();

  std::string name_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  size_t chunk_bytes_;
  std::string buffer_;  // unread bytes start at begin_
  size_t begin_ = 0;
  bool eof_ = false;
  int64_t line_number_ = 0;
};

}  // namespace rungs::text
