// Test helper: writes a tar archive (plain or gzip-compressed) of the given
// files with libarchive.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace rungs::testing {

using ArchiveEntries = std::vector<std::pair<std::string, std::string>>;  // path, bytes

// Writes a tar archive, gzip-compressed when `gzip`.
inline void WriteArchive(const std::filesystem::path& path, const ArchiveEntries& entries,
                         bool gzip) {
  archive* writer = archive_write_new();
  if (gzip) archive_write_add_filter_gzip(writer);
  archive_write_set_format_pax_restricted(writer);
  ASSERT_EQ(archive_write_open_filename(writer, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, bytes] : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    ASSERT_EQ(archive_write_header(writer, entry), ARCHIVE_OK);
    ASSERT_EQ(archive_write_data(writer, bytes.data(), bytes.size()),
              static_cast<la_ssize_t>(bytes.size()));
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

inline void WriteTarGz(const std::filesystem::path& path, const ArchiveEntries& entries) {
  WriteArchive(path, entries, true);
}

inline void WriteTar(const std::filesystem::path& path, const ArchiveEntries& entries) {
  WriteArchive(path, entries, false);
}

}  // namespace rungs::testing
