// Where downloads and converted data sets are kept, and the file name a URL
// is cached under. Reads the environment; otherwise stateless.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::fetch {

// The cache folder: `chosen` when not empty, else $XDG_CACHE_HOME/rungs,
// else $HOME/.cache/rungs. Not created here. Fails when `chosen` is empty
// and neither variable is set.
Result<std::filesystem::path> CacheDir(const std::string& chosen);

// The URL's last path segment reduced to [A-Za-z0-9._-], or "download" when
// nothing usable is left: "https://h/a/20news.tar.gz?x=1" -> "20news.tar.gz".
std::string UrlFileName(std::string_view url);

// A file name for `url`: the first 16 hex digits of its SHA-256, a dash,
// and UrlFileName(url). Different URLs get different names; the readable
// tail only helps a person browsing the cache.
std::string CacheFileName(std::string_view url);

}  // namespace rungs::fetch
