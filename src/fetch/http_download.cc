#include "fetch/http_download.h"

#include <curl/curl.h>
#include <strings.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

#include "aws/ca_bundle.h"

namespace rungs::fetch {
namespace {

constexpr long kMaxRedirects = 10;

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using FileHandle = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

// curl_global_init is not thread-safe and must run once per process.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::FILE* file;
  bool write_failed = false;
  std::string etag;  // of the last response (the final one, after redirects)
};

size_t WriteBlock(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t written = std::fwrite(data, size, count, sink->file);
  if (written != count) sink->write_failed = true;
  return written * size;  // A short count makes curl stop with CURLE_WRITE_ERROR.
}

size_t ReadHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) sink->etag.clear();  // a new response begins
  constexpr std::string_view kName = "etag:";
  if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    std::string_view value = line.substr(kName.size());
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    sink->etag = value;
  }
  return size * count;
}

int ReportProgress(void* user, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t) {
  static_cast<DownloadProgress*>(user)->Update(done, total);
  return 0;
}

Status CurlError(const std::string& url, CURLcode code, const char* detail, CURL* curl) {
  if (code == CURLE_HTTP_RETURNED_ERROR) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return Fail("download of " + url + " failed: HTTP status " + std::to_string(status));
  }
  std::string cause = detail[0] != '\0' ? detail : curl_easy_strerror(code);
  return Fail("download of " + url + " failed: " + cause);
}

void SetOptions(CURL* curl, const std::string& url, const TransferLimits& limits, Sink& sink,
                DownloadProgress& progress, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  aws::UseCaBundleFromEnvironment(curl);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // Timeouts without SIGALRM: thread-safe.
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, limits.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, limits.low_speed_seconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, limits.low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "rungs");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBlock);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &ReadHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &ReportProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &progress);
}

}  // namespace

Result<Downloaded> DownloadToFile(const std::string& url, const std::filesystem::path& destination,
                                  const TransferLimits& limits, DownloadProgress& progress,
                                  const std::string& if_none_match) {
  InitCurlOnce();
  FileHandle file(std::fopen(destination.c_str(), "wb"), &std::fclose);
  if (file == nullptr) {
    return Fail("cannot create '" + destination.string() + "': " + std::strerror(errno));
  }
  CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
  if (curl == nullptr) return Fail("download of " + url + " failed: libcurl could not start");
  Sink sink{file.get()};
  char error_buffer[CURL_ERROR_SIZE] = "";
  SetOptions(curl.get(), url, limits, sink, progress, error_buffer);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
  if (!if_none_match.empty()) {
    headers.reset(curl_slist_append(nullptr, ("If-None-Match: " + if_none_match).c_str()));
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  }
  CURLcode code = curl_easy_perform(curl.get());
  progress.Finish();
  if (sink.write_failed) {
    return Fail("download of " + url + " failed: cannot write '" + destination.string() +
                "' (disk full?)");
  }
  if (code != CURLE_OK) return CurlError(url, code, error_buffer, curl.get());
  if (std::fclose(file.release()) != 0) {
    return Fail("download of " + url + " failed: cannot finish writing '" +
                destination.string() + "'");
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status == 304 && !if_none_match.empty()) return Downloaded{.not_modified = true, .etag = {}};
  if (status < 200 || status > 299) {
    return Fail("download of " + url + " failed: HTTP status " + std::to_string(status));
  }
  return Downloaded{.not_modified = false, .etag = sink.etag};
}

}  // namespace rungs::fetch
