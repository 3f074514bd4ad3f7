#include "package/zip_writer.h"

#include <archive_entry.h>

#include <fstream>

namespace rungs::package {
namespace {

// 1980-01-01, the earliest time a zip entry can hold: a fixed time keeps
// archives of the same files byte for byte the same.
constexpr time_t kEntryTime = 315532800;

std::string Why(archive* zip) {
  const char* why = archive_error_string(zip);
  return why ? why : "unknown error";
}

}  // namespace

Result<std::unique_ptr<ZipWriter>> ZipWriter::Create(const std::filesystem::path& path) {
  archive* zip = archive_write_new();
  if (archive_write_set_format_zip(zip) != ARCHIVE_OK ||
      archive_write_open_filename(zip, path.c_str()) != ARCHIVE_OK) {
    Error error = Fail("cannot create zip '" + path.string() + "': " + Why(zip));
    archive_write_free(zip);
    return error;
  }
  return std::unique_ptr<ZipWriter>(new ZipWriter(zip, path));
}

ZipWriter::~ZipWriter() { archive_write_free(zip_); }

Error ZipWriter::WriteError(std::string_view what) const {
  return Fail("cannot write " + std::string(what) + " to zip '" + path_.string() + "': " + Why(zip_));
}

Status ZipWriter::WriteHeader(std::string_view name, int64_t size, int mode) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      &archive_entry_free);
  archive_entry_set_pathname(entry.get(), std::string(name).c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), static_cast<mode_t>(mode));
  archive_entry_set_size(entry.get(), size);
  archive_entry_set_mtime(entry.get(), kEntryTime, 0);
  if (archive_write_header(zip_, entry.get()) != ARCHIVE_OK) return WriteError(name);
  return Status::Ok();
}

Status ZipWriter::WriteData(std::string_view bytes) {
  la_ssize_t written = archive_write_data(zip_, bytes.data(), bytes.size());
  if (written != static_cast<la_ssize_t>(bytes.size())) {
    return WriteError("data");
  }
  return Status::Ok();
}

Status ZipWriter::AddBytes(std::string_view name, std::string_view bytes, int mode) {
  RUNGS_RETURN_IF_ERROR(WriteHeader(name, static_cast<int64_t>(bytes.size()), mode));
  return WriteData(bytes);
}

Status ZipWriter::AddFile(std::string_view name, const std::filesystem::path& source, int mode) {
  std::error_code error;
  uintmax_t size = std::filesystem::file_size(source, error);
  std::ifstream in(source, std::ios::binary);
  if (error || !in) {
    return Fail("cannot read '" + source.string() + "'" +
                (error ? ": " + error.message() : std::string()));
  }
  RUNGS_RETURN_IF_ERROR(WriteHeader(name, static_cast<int64_t>(size), mode));
  std::string block(1 << 16, '\0');
  uintmax_t written = 0;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    std::string_view got(block.data(), static_cast<size_t>(in.gcount()));
    RUNGS_RETURN_IF_ERROR(WriteData(got));
    written += got.size();
  }
  if (written != size) return Fail("'" + source.string() + "' changed while being packaged");
  return Status::Ok();
}

Status ZipWriter::Close() {
  if (archive_write_close(zip_) != ARCHIVE_OK) return WriteError("the central directory");
  return Status::Ok();
}

}  // namespace rungs::package
