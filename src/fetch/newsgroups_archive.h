// Converts the 20 Newsgroups "bydate" tarball (20news-bydate.tar.gz) into
// the CSV files described in shared/data/20newsgroups/README.md. Stateless
// and thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>

#include "base/status.h"

namespace rungs::fetch {

struct NewsgroupsRows {
  int64_t train = 0;
  int64_t test = 0;
};

// Reads `archive` (any compression libarchive knows) and writes
// `out_dir`/train.csv from its 20news-bydate-train/<group>/<file> entries and
// `out_dir`/test.csv from 20news-bydate-test/..., each with the header
// `label,text` and one row per message: the group as label and the file's
// raw bytes as text, every field double-quoted with quotes doubled, LF
// endings. Rows go by group name (byte order), then by file name as a
// number (non-numeric names last, by name). Other entries are ignored.
// Returns the row counts; fails naming the archive when it cannot be read
// or lacks either split, and naming the CSV when it cannot be written.
Result<NewsgroupsRows> ConvertNewsgroupsArchive(const std::filesystem::path& archive,
                                                const std::filesystem::path& out_dir);

}  // namespace rungs::fetch
