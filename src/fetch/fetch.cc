#include "fetch/fetch.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/s3.h"
#include "fetch/cache_dir.h"
#include "fetch/sha256.h"

namespace rungs::fetch {
namespace {

namespace fs = std::filesystem;

// The lowercase scheme of "scheme://rest", or empty for a plain path.
std::string SchemeOf(const std::string& text) {
  size_t end = text.find("://");
  if (end == std::string::npos || end == 0) return {};
  std::string scheme = text.substr(0, end);
  bool valid = std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '-' || c == '.';
  });
  if (!valid) return {};
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return scheme;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

Status CheckReadableFile(const std::string& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    return Fail("cannot read '" + path + "': no such file");
  }
  if (fs::is_directory(status)) return Fail("cannot read '" + path + "': it is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read '" + path + "': " + std::strerror(errno));
  return Status::Ok();
}

// Ok when no digest is expected or the file has it.
Status CheckDigest(const fs::path& file, const std::string& what, const std::string& expected) {
  if (expected.empty()) return Status::Ok();
  Result<std::string> actual = Sha256OfFile(file);
  if (!actual.ok()) return actual.status();
  if (*actual != Lower(expected)) {
    return Fail("SHA-256 mismatch for " + what + ": expected " + Lower(expected) + ", got " +
                *actual);
  }
  return Status::Ok();
}

void RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

// The cache's "downloads" folder, created if needed.
Result<fs::path> DownloadsFolder(const FetchOptions& options) {
  Result<fs::path> cache = CacheDir(options.cache_dir);
  if (!cache.ok()) return cache.error();
  fs::path folder = *cache / "downloads";
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    return Fail("cannot create cache folder '" + folder.string() + "': " + error.message());
  }
  return folder;
}

std::string ReadSmallFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  std::getline(in, text, '\0');
  return text;
}

// Writes `text` to `path` through a temporary name, so a reader never sees
// half of it.
Status WriteSmallFile(const fs::path& path, const std::string& text) {
  fs::path partial = path;
  partial += ".part-" + std::to_string(getpid());
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  std::error_code error;
  if (!out) error = std::make_error_code(std::errc::io_error);
  if (!error) fs::rename(partial, path, error);
  if (error) {
    RemoveQuietly(partial);
    return Fail("cannot write '" + path.string() + "': " + error.message());
  }
  return Status::Ok();
}

Result<std::string> Download(const std::string& url, const FetchOptions& options) {
  Result<fs::path> folder = DownloadsFolder(options);
  if (!folder.ok()) return folder.error();
  fs::path final_path = *folder / CacheFileName(url);
  fs::path etag_path = final_path;
  etag_path += ".etag";
  std::error_code error;
  std::string etag;  // of a whole, verified cached copy to revalidate
  if (fs::exists(final_path)) {
    if (CheckDigest(final_path, url, options.expected_sha256).ok()) {
      if (!options.revalidate) return final_path.string();
      etag = ReadSmallFile(etag_path);
    } else {
      RemoveQuietly(final_path);  // A stale or corrupted copy: fetch it again.
    }
  }
  // Unique per process and call, and never the final name, so neither a
  // concurrent fetch nor an interrupted one can pass for a complete file.
  static std::atomic<uint64_t> next_partial{0};
  fs::path partial = final_path;
  partial += ".part-" + std::to_string(getpid()) + "-" + std::to_string(next_partial++);
  DownloadProgress progress(options.progress, stderr,
                            options.label.empty() ? UrlFileName(url) : options.label);
  Result<Downloaded> got = DownloadToFile(url, partial, options.limits, progress, etag);
  Status status = got.ok() ? Status::Ok() : got.status();
  if (status.ok() && got->not_modified) {
    RemoveQuietly(partial);
    return final_path.string();
  }
  if (status.ok()) status = CheckDigest(partial, url + " (download removed)", options.expected_sha256);
  if (!status.ok()) {
    RemoveQuietly(partial);
    return status.error();
  }
  fs::rename(partial, final_path, error);
  if (error) {
    RemoveQuietly(partial);
    return Fail("cannot move download of " + url + " into '" + final_path.string() +
                "': " + error.message());
  }
  // The file first, then its ETag: a crash in between leaves an old ETag,
  // which only costs a download next time, never a stale copy.
  if (got->etag.empty()) {
    RemoveQuietly(etag_path);
  } else {
    RUNGS_RETURN_IF_ERROR(WriteSmallFile(etag_path, got->etag));
  }
  return final_path.string();
}

Result<std::string> DownloadS3(const std::string& uri, const FetchOptions& options) {
  Result<aws::S3Location> where = aws::ParseS3Uri(uri);
  if (!where.ok()) return where.error();
  Result<std::string> region = aws::ResolveRegion("");
  if (!region.ok()) return Fail("cannot fetch " + uri + ": " + region.message());
  Result<aws::Credentials> credentials = aws::LoadCredentials();
  if (!credentials.ok()) return Fail("cannot fetch " + uri + ": " + credentials.message());
  std::string endpoint = aws::ResolveEndpoint("", "s3", *region);
  Result<fs::path> folder = DownloadsFolder(options);
  if (!folder.ok()) return folder.error();

  fs::path final_path = *folder / CacheFileName(uri);
  fs::path etag_path = final_path;
  etag_path += ".etag";
  // Only a whole, verified copy may be revalidated; otherwise get it afresh.
  std::string etag;
  if (fs::exists(final_path) && CheckDigest(final_path, uri, options.expected_sha256).ok()) {
    etag = ReadSmallFile(etag_path);
  }
  Result<aws::S3GetResult> got =
      aws::S3GetToFile(*where, final_path.string(), etag, *credentials, *region, endpoint);
  if (!got.ok()) return got.error();
  if (got->not_modified) return final_path.string();
  // The object first, then its ETag: a crash in between leaves an old ETag,
  // which only costs a download next time, never a stale copy.
  Status digest = CheckDigest(final_path, uri + " (download removed)", options.expected_sha256);
  if (!digest.ok()) {
    RemoveQuietly(final_path);
    RemoveQuietly(etag_path);
    return digest.error();
  }
  if (got->etag.empty()) {
    RemoveQuietly(etag_path);
  } else {
    RUNGS_RETURN_IF_ERROR(WriteSmallFile(etag_path, got->etag));
  }
  return final_path.string();
}

}  // namespace

bool IsHttpUrl(const std::string& text) {
  std::string scheme = SchemeOf(text);
  return scheme == "http" || scheme == "https";
}

bool IsLocalPath(const std::string& text) { return !text.empty() && SchemeOf(text).empty(); }

Result<std::string> Fetch(const std::string& path_or_url, const FetchOptions& options) {
  if (!options.expected_sha256.empty() && !IsSha256Hex(options.expected_sha256)) {
    return Fail("expected SHA-256 '" + options.expected_sha256 + "' is not 64 hex digits");
  }
  std::string scheme = SchemeOf(path_or_url);
  if (scheme == "s3") return DownloadS3(path_or_url, options);
  if (scheme == "http" || scheme == "https") return Download(path_or_url, options);
  if (!scheme.empty()) {
    return Fail("cannot fetch '" + path_or_url + "': unsupported scheme '" + scheme +
                "://' (use a local path, an http:// or https:// URL, or s3://bucket/key)");
  }
  RUNGS_RETURN_IF_ERROR(CheckReadableFile(path_or_url));
  RUNGS_RETURN_IF_ERROR(CheckDigest(path_or_url, "'" + path_or_url + "'", options.expected_sha256));
  return path_or_url;
}

}  // namespace rungs::fetch
