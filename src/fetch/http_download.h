// One HTTP(S) transfer into a local file, with libcurl. Safe to call from
// several threads at once (each call has its own handle).
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"
#include "fetch/download_progress.h"

namespace rungs::fetch {

struct TransferLimits {
  // Give up when no connection is made within this many seconds.
  long connect_timeout_seconds = 30;
  // Give up when fewer than `low_speed_bytes` bytes a second arrive for
  // `low_speed_seconds` seconds in a row: a stalled server never hangs us.
  long low_speed_seconds = 60;
  long low_speed_bytes = 1;
};

// What a download brought.
struct Downloaded {
  bool not_modified = false;  // 304: the copy `if_none_match` names is current
  std::string etag;           // the server's ETag for the body it sent, if any
};

// Downloads `url` (http:// or https://, following up to 10 redirects within
// those schemes) into `destination`, created or truncated. Succeeds only
// when the whole body arrived (its Content-Length, when the server sent
// one) with a 2xx status, or, when `if_none_match` names an ETag, with a
// 304 saying the caller's copy is current (`destination` then stays empty).
// On failure returns an error naming the URL and the cause (HTTP status,
// refused connection, timeout, short body) and may leave a partial
// `destination` for the caller to remove.
Result<Downloaded> DownloadToFile(const std::string& url, const std::filesystem::path& destination,
                                  const TransferLimits& limits, DownloadProgress& progress,
                                  const std::string& if_none_match = "");

}  // namespace rungs::fetch
