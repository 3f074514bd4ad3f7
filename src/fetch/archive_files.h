// Reads the regular files of an archive (tar, zip, ...; gzip, xz, ...:
// whatever libarchive knows) one at a time. Stateless and thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rungs::fetch {

// Calls `visit(entry_path, bytes)` for each regular file of `archive` whose
// path `wanted` accepts, in archive order; other files are skipped without
// being decompressed into memory. Stops at the first error `visit` returns.
// Fails naming the archive (and entry) when it cannot be opened or read.
Status ForEachArchiveFile(
    const std::filesystem::path& archive,
    const std::function<bool(std::string_view entry_path)>& wanted,
    const std::function<Status(std::string_view entry_path, std::string bytes)>& visit);

// The non-empty parts of `path` between slashes, without "." parts:
// "./a//b/c" -> {"a", "b", "c"}.
std::vector<std::string_view> PathParts(std::string_view path);

}  // namespace rungs::fetch
