// Named data sets ("20newsgroups", "ag_news") as local CSV files: from a
// folder the caller names, else the cache, else downloaded from the public
// archive, checked and converted once. Thread-safe; two processes resolving
// the same set at once may both convert it, and one copy wins.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "fetch/fetch.h"

namespace rungs::fetch {

enum class DatasetOrigin { kLocalFolder, kCache, kDownloaded };

struct DatasetFiles {
  // Paths of the CSV files (header `label,text`); `train` is empty for a
  // set that has only a test split here (ag_news).
  std::string train;
  std::string test;
  DatasetOrigin origin = DatasetOrigin::kLocalFolder;
  // Set only when this call converted the set: whether its CSVs have the
  // reference SHA-256s recorded for the set (a mismatch is reported, not an
  // error: a different mirror may repack the same messages).
  std::optional<bool> matches_reference;
  // One line for a person: where the files came from and the check above.
  std::string note;
};

struct DatasetOptions {
  // A folder holding NAME/train.csv and NAME/test.csv (e.g. shared/data);
  // empty: not consulted.
  std::string local_root;
  // Whether the caller needs the train split; asking a test-only set for it
  // is an error.
  bool need_train = true;
  // Archive URL; empty: $RUNGS_<NAME>_URL (NAME upper-cased, e.g.
  // RUNGS_20NEWSGROUPS_URL), else the public sources in turn.
  std::string archive_url;
  // The archive's SHA-256; empty: $RUNGS_<NAME>_SHA256, else the digest of
  // the public archive (checked even for an overridden URL, so a test that
  // serves its own archive passes its digest here).
  std::string archive_sha256;
  // Cache folder, progress and transfer limits for the download
  // (its expected_sha256 is ignored: see archive_sha256).
  FetchOptions fetch;
};

// The files of data set `name`, looked for in this order:
// `local_root`/NAME/, then the cache's datasets/NAME/, then a download of
// the archive (into the cache's downloads/) converted into the cache.
// Fails for an unknown name (listing the known ones), for a train split the
// set does not have, and when every source fails (naming each URL and why).
Result<DatasetFiles> ResolveDataset(std::string_view name, const DatasetOptions& options);

// The names ResolveDataset knows, sorted.
std::vector<std::string> KnownDatasets();

}  // namespace rungs::fetch
