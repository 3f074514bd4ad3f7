// ZipWriter: writes a zip archive (deflate) entry by entry with libarchive,
// keeping each entry's Unix mode (an executable stays executable when
// unzipped, as AWS Lambda and unzip do). Entry times are fixed, so the same
// files give the same archive. One thread at a time.
#pragma once

#include <archive.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace rungs::package {

class ZipWriter {
 public:
  // Creates (or truncates) the zip at `path`; fails naming it.
  static Result<std::unique_ptr<ZipWriter>> Create(const std::filesystem::path& path);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Adds the regular file `source` (symlinks followed) as `name` with `mode`
  // (e.g. 0755). Fails naming the source when it cannot be read.
  Status AddFile(std::string_view name, const std::filesystem::path& source, int mode);
  // Adds `bytes` as `name` with `mode`.
  Status AddBytes(std::string_view name, std::string_view bytes, int mode);
  // Writes the central directory; the archive is complete only after this.
  Status Close();

 private:
  ZipWriter(archive* zip, std::filesystem::path path) : zip_(zip), path_(std::move(path)) {}
  Status WriteHeader(std::string_view name, int64_t size, int mode);
  Status WriteData(std::string_view bytes);
  Error WriteError(std::string_view what) const;

  archive* zip_;
  const std::filesystem::path path_;
};

}  // namespace rungs::package
