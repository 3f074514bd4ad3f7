// AtomicFile: a file replaced all at once. The bytes go to a temporary file
// beside the target (same folder, so the rename stays on one file system),
// which Commit flushes to the disk (fsync), renames over the target, and
// makes durable by syncing the folder. A reader, a kill or a full disk at
// any moment leaves the old file or the new one, never part of one; on any
// failure the temporary file is removed and the old file stays as it was.
// Every output rungs writes (models, best.*, trials.csv, report.html,
// experiment.json) goes through it. One object per file, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs {

class AtomicFile {
 public:
  // Opens a temporary file beside `path` (its name ends in .tmp.<pid>, so
  // two processes writing one target never share it). Fails naming `path`.
  static Result<AtomicFile> Create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();  // removes the temporary file unless committed

  // Buffered; the first failure is kept for Commit, and the bytes are
  // counted either way, so a full disk reports how much was needed.
  void Write(std::string_view bytes);
  // Replaces `path`. Fails naming it and why; when the disk (or the file
  // size limit) is full, with the bytes needed and free.
  Status Commit();

  const std::string& path() const { return path_; }

 private:
  AtomicFile(std::string path, std::string temporary, int fd);
  void Flush();
  void WriteAll(std::string_view bytes);
  void Discard();

  std::string path_;
  std::string temporary_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t bytes_ = 0;  // all bytes given to Write
  int error_ = 0;       // errno of the first failed write
};

// Replaces `path` by `bytes` through an AtomicFile.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace rungs
