// Little helpers to read and write fixed-width binary fields with errors
// that name the file, the field and the byte offset. (Both formats we write,
// fastText .bin and checkpoints, are little-endian with host-independent
// field sizes; we assume a little-endian host, as fastText does.)
//
// One object per file; not synchronized.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/atomic_file.h"
#include "base/status.h"

namespace rungs::text {

// Writes `path` atomically (base/atomic_file.h): the file appears, whole,
// at Close, or not at all.
class BinaryWriter {
 public:
  explicit BinaryWriter(const std::string& path) : file_(AtomicFile::Create(path)) {}
  template <class T>
  void Put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    PutBytes(&value, sizeof(T));
  }
  void PutBytes(const void* data, size_t size) {
    if (file_.ok()) file_->Write(std::string_view(static_cast<const char*>(data), size));
  }
  // Puts the file in place. Fails naming the path when it could not be
  // created or written (on a full disk, with the bytes needed).
  Status Close() { return file_.ok() ? file_->Commit() : file_.status(); }

 private:
  Result<AtomicFile> file_;
};

class BinaryReader {
 public:
  explicit BinaryReader(const std::string& path);
  // Fails when the file cannot be opened.
  Status Open();
  template <class T>
  Status Get(T& value, std::string_view field) {
    static_assert(std::is_trivially_copyable_v<T>);
    return GetBytes(&value, sizeof(T), field);
  }
  Status GetBytes(void* data, size_t size, std::string_view field);
  // A NUL-terminated string of at most max_size bytes.
  Status GetCString(std::string& value, size_t max_size, std::string_view field);
  int64_t offset() const { return offset_; }
  int64_t remaining() const { return size_ - offset_; }
  // "path: <message> (field 'x' at byte N)".
  Error Bad(std::string_view message, std::string_view field) const;

 private:
  std::string path_;
  std::ifstream in_;
  int64_t size_ = 0;
  int64_t offset_ = 0;
};

}  // namespace rungs::text
