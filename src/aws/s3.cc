#include "aws/s3.h"

#include <curl/curl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>

#include "aws/ca_bundle.h"
#include "aws/endpoint.h"
#include "aws/sigv4.h"

namespace rungs::aws {
namespace {

namespace fs = std::filesystem;

// SHA-256 of nothing: the payload hash of a GET, which S3 wants in
// X-Amz-Content-Sha256 (libcurl 7.88 does not add that header itself).
constexpr const char* kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// An S3 error body is a short XML document; more is not an error body.
constexpr size_t kMaxErrorBody = 64 * 1024;

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;
using FileHandle = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsBucketChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Where the body goes: the file on 2xx, else memory for the error message.
struct Transfer {
  CURL* curl = nullptr;
  std::FILE* file = nullptr;
  bool write_failed = false;
  int64_t bytes = 0;
  std::string error_body;
  std::string etag;
  std::string bucket_region;  // x-amz-bucket-region, sent with redirects.
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  size_t length = size * count;
  if (status / 100 != 2) {
    if (t->error_body.size() < kMaxErrorBody) t->error_body.append(data, length);
    return length;
  }
  if (std::fwrite(data, 1, length, t->file) != length) {
    t->write_failed = true;
    return 0;  // Makes libcurl stop with CURLE_WRITE_ERROR.
  }
  t->bytes += static_cast<int64_t>(length);
  return length;
}

// The value of header `name` in one raw header line, or nothing.
bool HeaderValue(std::string_view line, std::string_view name, std::string* value) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  }
  std::string_view rest = line.substr(name.size() + 1);
  size_t begin = rest.find_first_not_of(" \t");
  size_t end = rest.find_last_not_of(" \t\r\n");
  *value = begin == std::string_view::npos ? "" : std::string(rest.substr(begin, end - begin + 1));
  return true;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (!HeaderValue(line, "etag", &t->etag)) {
    HeaderValue(line, "x-amz-bucket-region", &t->bucket_region);
  }
  return size * count;
}

// The text of the first <tag>...</tag> in `xml`, or empty.
std::string XmlElement(const std::string& xml, const std::string& tag) {
  size_t open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return {};
  size_t begin = open + tag.size() + 2;
  size_t close = xml.find("</" + tag + ">", begin);
  return close == std::string::npos ? std::string() : xml.substr(begin, close - begin);
}

// `region` is the one signed for: a bucket elsewhere is named.
std::string HttpError(long status, const Transfer& t, const std::string& region) {
  std::string message = "HTTP status " + std::to_string(status);
  std::string code = XmlElement(t.error_body, "Code");
  std::string text = XmlElement(t.error_body, "Message");
  if (!code.empty()) message += " " + code;
  if (!text.empty()) message += (code.empty() ? " " : ": ") + text;
  if (!t.bucket_region.empty() && t.bucket_region != region) {
    message += " (the bucket is in region " + t.bucket_region + "; set AWS_REGION to it)";
  }
  return message;
}

void RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

}  // namespace

Result<S3Location> ParseS3Uri(std::string_view uri) {
  std::string quoted = "'" + std::string(uri) + "'";
  constexpr std::string_view kScheme = "s3://";
  if (uri.substr(0, kScheme.size()) != kScheme) {
    return Fail("bad S3 URI " + quoted + ": expected s3://bucket/key");
  }
  std::string_view rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string bucket(rest.substr(0, slash));
  if (bucket.empty()) return Fail("bad S3 URI " + quoted + ": no bucket name after s3://");
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return Fail("bad S3 URI " + quoted + ": it names a bucket, not an object (s3://bucket/key)");
  }
  bool valid = bucket.size() >= 3 && bucket.size() <= 63 && IsLowerAlnum(bucket.front()) &&
               IsLowerAlnum(bucket.back());
  for (char c : bucket) valid = valid && IsBucketChar(c);
  if (!valid) {
    return Fail("bad S3 URI " + quoted + ": bucket name '" + bucket +
                "' is not 3 to 63 lowercase letters, digits, '.' and '-' starting and ending "
                "with a letter or digit");
  }
  return S3Location{bucket, std::string(rest.substr(slash + 1))};
}

std::string EncodeS3Key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

std::string S3ObjectUrl(const S3Location& where, const std::string& region,
                        const std::string& endpoint) {
  std::string key = EncodeS3Key(where.key);
  std::string aws = DefaultEndpoint("s3", region);
  if (endpoint == aws && where.bucket.find('.') == std::string::npos) {
    return "https://" + where.bucket + "." + aws.substr(std::string("https://").size()) + "/" + key;
  }
  return endpoint + "/" + where.bucket + "/" + key;
}

Result<S3GetResult> S3GetToFile(const S3Location& where, const std::string& path,
                                const std::string& if_none_match, const Credentials& c,
                                const std::string& region, const std::string& endpoint) {
  InitCurlOnce();
  std::string uri = "s3://" + where.bucket + "/" + where.key;
  // Unique per process and call, never the final name: a concurrent or
  // interrupted GET cannot pass for a whole object.
  static std::atomic<uint64_t> next_partial{0};
  std::string partial =
      path + ".part-" + std::to_string(getpid()) + "-" + std::to_string(next_partial++);
  FileHandle file(std::fopen(partial.c_str(), "wb"), &std::fclose);
  if (file == nullptr) return Fail("cannot create '" + partial + "': " + std::strerror(errno));

  CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
  if (curl == nullptr) return Fail("cannot get " + uri + ": libcurl could not start");
  Transfer t{curl.get(), file.get()};
  curl_slist* raw_headers = nullptr;
  raw_headers = curl_slist_append(
      raw_headers, ("X-Amz-Content-Sha256: " + std::string(kEmptyPayloadHash)).c_str());
  if (!if_none_match.empty()) {
    raw_headers = curl_slist_append(raw_headers, ("If-None-Match: " + if_none_match).c_str());
  }
  SignWithSigV4(curl.get(), &raw_headers, c, region, "s3");
  HeaderList headers(raw_headers, &curl_slist_free_all);

  std::string url = S3ObjectUrl(where, region, endpoint);
  char error_buffer[CURL_ERROR_SIZE] = "";
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  UseCaBundleFromEnvironment(h);
  // A key's "." and ".." segments are part of its name, not directions.
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "rungs");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  int closed = std::fclose(file.release());

  S3GetResult result;
  result.etag = t.etag;
  std::string failure;
  if (t.write_failed || (code == CURLE_OK && status / 100 == 2 && closed != 0)) {
    failure = "cannot write '" + partial + "' (disk full?)";
  } else if (code != CURLE_OK) {
    failure = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  } else if (status == 304) {
    result.not_modified = true;
    if (result.etag.empty()) result.etag = if_none_match;
  } else if (status / 100 != 2) {
    failure = HttpError(status, t, region);
  }
  if (!failure.empty() || result.not_modified) RemoveQuietly(partial);
  if (!failure.empty()) return Fail("cannot get " + uri + " from " + url + ": " + failure);
  if (result.not_modified) return result;

  std::error_code error;
  fs::rename(partial, path, error);
  if (error) {
    RemoveQuietly(partial);
    return Fail("cannot get " + uri + ": cannot move it into '" + path + "': " + error.message());
  }
  result.bytes = t.bytes;
  return result;
}

}  // namespace rungs::aws
