// Fetch: a data file given by local path or by URL, as a local path.
//
//   Result<std::string> train = fetch::Fetch(flag_value, {});
//
// A plain path is checked and returned as is. An http:// or https:// URL is
// downloaded once into the cache folder and found there afterwards, without
// touching the network. An s3:// object is cached too, but S3 is asked each
// time whether it changed. Thread-safe; two processes fetching the same URL
// at once both download, and the last complete copy wins.
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
  // http(s)://: ask the server whether a cached copy is still current (a
  // conditional GET on the ETag kept beside it) instead of trusting it
  // unseen. Workers set this: a URL's content may change between jobs.
  bool revalidate = false;
};

// The local path of `path_or_url`.
// - A path (anything without "scheme://"): returned unchanged when it names
//   a readable regular file; otherwise an error naming it and why.
// - http(s)://: the cached copy when present (revalidated by its ETag when
//   options.revalidate), else a fresh download. The
//   download is written to a temporary name and renamed into place only once
//   complete and (when asked) verified, so a cached name always means a
//   whole file. A cached copy that fails the checksum is replaced.
// - s3://bucket/key: a GET signed with the standard AWS credential chain
//   (aws::LoadCredentials: the environment, as on Lambda, or the shared
//   files), in the region of aws::ResolveRegion("") and at the endpoint of
//   aws::ResolveEndpoint("", "s3", region) (AWS_ENDPOINT_URL_S3 for a local
//   emulator). The object's ETag is kept beside the cached copy, and every
//   call asks with If-None-Match: a 304 reuses the copy, anything else
//   replaces it, so a changed object is never served stale. Errors name the
//   URI and S3's error code and message. No progress line.
// - Other schemes: an error saying they are not supported.
// A checksum mismatch names both digests; a downloaded file that fails it
// is removed.
Result<std::string> Fetch(const std::string& path_or_url, const FetchOptions& options);

// True when `text` starts with "http://" or "https://" (case-insensitive).
bool IsHttpUrl(const std::string& text);

// True when `text` is a path, read where it is: not empty and with no
// scheme (no "NAME://" in front).
bool IsLocalPath(const std::string& text);

}  // namespace rungs::fetch
