#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

namespace rungs {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 16;

std::string Why(int error) { return std::strerror(error); }

// "cannot write PATH: <why>", with the space needed and free when the disk
// or the file size limit (RLIMIT_FSIZE) is what ran out.
Error WriteFailure(const std::string& path, int error, uint64_t bytes) {
  std::string message = "cannot write " + path + ": " + Why(error);
  if (error == ENOSPC || error == EDQUOT || error == EFBIG) {
    message += " (" + std::to_string(bytes) + " bytes needed";
    struct statvfs disk {};
    std::string folder = std::filesystem::path(path).parent_path().string();
    if (::statvfs(folder.empty() ? "." : folder.c_str(), &disk) == 0) {
      message += ", " + std::to_string(uint64_t{disk.f_bavail} * disk.f_frsize) +
                 " free on its file system";
    }
    message += "); the earlier " + std::filesystem::path(path).filename().string() +
               ", if any, is unchanged";
  }
  return Fail(message);
}

// fsync of a folder, so a rename in it survives a crash of the machine.
void SyncFolder(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the rename is done; only its durability is at stake
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Result<AtomicFile> AtomicFile::Create(const std::string& path) {
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail("cannot write " + path + ": " + Why(errno));
  return AtomicFile(path, std::move(temporary), fd);
}

AtomicFile::AtomicFile(std::string path, std::string temporary, int fd)
    : path_(std::move(path)), temporary_(std::move(temporary)), fd_(fd) {
  buffer_.reserve(kBufferBytes);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temporary_(std::move(other.temporary_)),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      bytes_(other.bytes_),
      error_(other.error_) {}

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Discard() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temporary_.c_str());
}

void AtomicFile::Write(std::string_view bytes) {
  bytes_ += bytes.size();
  if (error_ != 0) return;
  if (buffer_.size() + bytes.size() > kBufferBytes) Flush();
  if (bytes.size() >= kBufferBytes) {
    WriteAll(bytes);
  } else {
    buffer_.append(bytes);
  }
}

void AtomicFile::Flush() {
  WriteAll(buffer_);
  buffer_.clear();
}

void AtomicFile::WriteAll(std::string_view bytes) {
  size_t done = 0;
  while (error_ == 0 && done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error_ = errno;
    if (n > 0) done += size_t(n);
  }
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return Fail("cannot write " + path_ + ": already committed");
  Flush();
  if (error_ == 0 && ::fsync(fd_) != 0) error_ = errno;
  if (::close(std::exchange(fd_, -1)) != 0 && error_ == 0) error_ = errno;
  if (error_ != 0) {
    ::unlink(temporary_.c_str());
    return WriteFailure(path_, error_, bytes_);
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary_.c_str());
    return Fail("cannot replace " + path_ + ": " + Why(error));
  }
  SyncFolder(path_);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  Result<AtomicFile> file = AtomicFile::Create(path);
  if (!file.ok()) return file.error();
  file->Write(bytes);
  return file->Commit();
}

}  // namespace rungs
