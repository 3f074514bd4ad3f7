// Fetch: a data file given by local path or by URL, as a local path.
//
//   Result<std::string> train = fetch::Fetch(flag_value, {});
//
// A plain path is checked and returned as is. An http:// or https:// URL is
// downloaded once into the cache folder and found there afterwards, without
// touching the network. Thread-safe; two processes fetching the same URL at
// once both download, and the last complete copy wins.
#pragma once

#include <string>

#include "base/status.h"
#include "fetch/download_progress.h"
#include "fetch/http_download.h"

namespace rungs::fetch {

struct FetchOptions {
  // Where downloads are kept; empty: $XDG_CACHE_HOME/rungs or ~/.cache/rungs.
  // Downloads go to its "downloads" subfolder.
  std::string cache_dir;
  // Expected SHA-256 of the file (64 hex digits); empty: not checked. Checked
  // for paths, cache hits and downloads alike.
  std::string expected_sha256;
  // Download progress on stderr; kAuto: only when stderr is a terminal.
  ProgressMode progress = ProgressMode::kAuto;
  // What the progress line calls the download; empty: the URL's file name.
  std::string label;
  TransferLimits limits;
};

// The local path of `path_or_url`.
// - A path (anything without "scheme://"): returned unchanged when it names
//   a readable regular file; otherwise an error naming it and why.
// - http(s)://: the cached copy when present, else a fresh download. The
//   download is written to a temporary name and renamed into place only once
//   complete and (when asked) verified, so a cached name always means a
//   whole file. A cached copy that fails the checksum is replaced.
// - s3:// and other schemes: an error saying they are not supported.
// A checksum mismatch names both digests; a downloaded file that fails it
// is removed.
Result<std::string> Fetch(const std::string& path_or_url, const FetchOptions& options);

// True when `text` starts with "http://" or "https://" (case-insensitive).
bool IsHttpUrl(const std::string& text);

}  // namespace rungs::fetch
