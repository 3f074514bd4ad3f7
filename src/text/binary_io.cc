#include "text/binary_io.h"

#include <cerrno>
#include <cstring>

namespace rungs::text {

BinaryReader::BinaryReader(const std::string& path) : path_(path) {}

Status BinaryReader::Open() {
  in_.open(path_, std::ios::binary | std::ios::ate);
  if (!in_.is_open()) return Fail(path_ + ": cannot open for reading: " + std::strerror(errno));
  size_ = static_cast<int64_t>(in_.tellg());
  in_.seekg(0);
  return Status::Ok();
}

Error BinaryReader::Bad(std::string_view message, std::string_view field) const {
  return Fail(path_ + ": " + std::string(message) + " (field '" + std::string(field) +
              "' at byte " + std::to_string(offset_) + ")");
}

Status BinaryReader::GetBytes(void* data, size_t size, std::string_view field) {
  if (static_cast<int64_t>(size) > remaining()) {
    return Bad("file is truncated: " + std::to_string(size) + " bytes needed, " +
                   std::to_string(remaining()) + " left",
               field);
  }
  in_.read(static_cast<char*>(data), static_cast<std::streamsize>(size));
  if (!in_) return Bad("read failed", field);
  offset_ += static_cast<int64_t>(size);
  return Status::Ok();
}

Status BinaryReader::GetCString(std::string& value, size_t max_size, std::string_view field) {
  value.clear();
  for (;;) {
    char c;
    RUNGS_RETURN_IF_ERROR(GetBytes(&c, 1, field));
    if (c == '\0') return Status::Ok();
    if (value.size() == max_size) return Bad("string is too long", field);
    value.push_back(c);
  }
}

}  // namespace rungs::text
