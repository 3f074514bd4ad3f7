// Fuzzes text/line_reader.cc: the lines it returns, joined again with '\n',
// are the file's bytes (a last line may lack its '\n'), numbered 1, 2, ...
// Byte 0 picks how it reads: bits 0-3 the chunk size (3 to 18 bytes, so lines
// cross chunk boundaries), bit 4 skip a UTF-8 byte order mark; the other
// bytes are the file.
#include "fuzz_check.h"
#include "text/line_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 3 + (data[0] & 15);
  const bool skip_bom = data[0] & 16;
  std::string_view bytes = rungs::fuzz::AsText(data + 1, size - 1);
  const std::string path = rungs::fuzz::BytesAsFile(data + 1, size - 1);
  rungs::Result<rungs::text::LineReader> reader = rungs::text::LineReader::Open(path, chunk);
  if (bytes.empty()) {
    FUZZ_CHECK(!reader.ok());  // an empty file is an error
    return 0;
  }
  FUZZ_CHECK(reader.ok());
  if (skip_bom) {
    reader->SkipUtf8Bom();
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  }
  std::string joined;
  int64_t lines = 0;
  while (true) {
    rungs::Result<std::optional<std::string_view>> line = reader->Next();
    FUZZ_CHECK(line.ok());
    if (!line->has_value()) break;
    FUZZ_CHECK((*line)->find('\n') == std::string_view::npos);
    joined.append(**line).push_back('\n');
    FUZZ_CHECK(reader->line_number() == ++lines);
  }
  if (!bytes.empty() && bytes.back() != '\n') joined.pop_back();
  FUZZ_CHECK(joined == bytes);
  return 0;
}
