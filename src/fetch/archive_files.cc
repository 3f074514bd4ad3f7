#include "fetch/archive_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace rungs::fetch {
namespace {

using ArchiveHandle = std::unique_ptr<archive, decltype(&archive_read_free)>;

Result<std::string> ReadEntryData(archive* reader, const std::filesystem::path& archive_path,
                                  std::string_view entry) {
  std::string bytes;
  char block[1 << 16];
  for (;;) {
    la_ssize_t got = archive_read_data(reader, block, sizeof(block));
    if (got == 0) return bytes;
    if (got < 0) {
      return Fail("cannot read '" + std::string(entry) + "' in archive '" +
                  archive_path.string() + "': " + archive_error_string(reader));
    }
    bytes.append(block, static_cast<size_t>(got));
  }
}

}  // namespace

std::vector<std::string_view> PathParts(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

Status ForEachArchiveFile(
    const std::filesystem::path& archive_path,
    const std::function<bool(std::string_view entry_path)>& wanted,
    const std::function<Status(std::string_view entry_path, std::string bytes)>& visit) {
  ArchiveHandle reader(archive_read_new(), &archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  if (archive_read_open_filename(reader.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Fail("cannot open archive '" + archive_path.string() + "': " +
                archive_error_string(reader.get()));
  }
  archive_entry* entry = nullptr;
  int code;
  while ((code = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK ||
         code == ARCHIVE_WARN) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string entry_path = archive_entry_pathname(entry);
    if (!wanted(entry_path)) continue;
    Result<std::string> bytes = ReadEntryData(reader.get(), archive_path, entry_path);
    if (!bytes.ok()) return bytes.error();
    RUNGS_RETURN_IF_ERROR(visit(entry_path, std::move(*bytes)));
  }
  if (code != ARCHIVE_EOF) {
    return Fail("cannot read archive '" + archive_path.string() + "': " +
                archive_error_string(reader.get()));
  }
  return Status::Ok();
}

}  // namespace rungs::fetch
