#include "fetch/cache_dir.h"

#include <cstdlib>

#include "fetch/sha256.h"

namespace rungs::fetch {
namespace {

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// The last path segment, without query or fragment.
std::string_view LastSegment(std::string_view url) {
  size_t scheme_end = url.find("://");
  std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {};  // Only a host.
  rest = rest.substr(slash);
  return rest.substr(rest.rfind('/') + 1);
}

bool IsSafeNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

Result<std::filesystem::path> CacheDir(const std::string& chosen) {
  if (!chosen.empty()) return std::filesystem::path(chosen);
  std::string xdg = EnvOrEmpty("XDG_CACHE_HOME");
  if (!xdg.empty()) return std::filesystem::path(xdg) / "rungs";
  std::string home = EnvOrEmpty("HOME");
  if (!home.empty()) return std::filesystem::path(home) / ".cache" / "rungs";
  return Fail("no cache folder: set XDG_CACHE_HOME or HOME, or pass a cache folder");
}

std::string UrlFileName(std::string_view url) {
  std::string tail;
  for (char c : LastSegment(url)) {
    if (IsSafeNameChar(c)) tail += c;
  }
  // A name of only dots ("." or "..") would be a folder, not a file.
  if (tail.find_first_not_of('.') == std::string::npos) tail = "download";
  return tail;
}

std::string CacheFileName(std::string_view url) {
  return Sha256OfBytes(url).substr(0, 16) + "-" + UrlFileName(url);
}

}  // namespace rungs::fetch
