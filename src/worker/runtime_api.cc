#include "worker/runtime_api.h"

#include <curl/curl.h>

#include <cctype>
#include <charconv>
#include <mutex>

#include <nlohmann/json.hpp>

namespace rungs::worker {
namespace {

void GlobalInitOnce() {
  // curl_global_init is not thread-safe and must run once per process.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Appends what libcurl received (body bytes, or a header line) to the
// std::string at `out`.
size_t AppendTo(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// One response header line into the invocation's fields.
void ReadHeader(std::string_view line, Invocation& invocation) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view name = Trim(line.substr(0, colon));
  std::string_view value = Trim(line.substr(colon + 1));
  if (SameName(name, "Lambda-Runtime-Aws-Request-Id")) {
    invocation.request_id = value;
  } else if (SameName(name, "Lambda-Runtime-Trace-Id")) {
    invocation.trace_id = value;
  } else if (SameName(name, "Lambda-Runtime-Deadline-Ms")) {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && end == value.data() + value.size()) invocation.deadline_ms = ms;
  }
}

}  // namespace

Result<Invocation> ParseInvocation(std::string_view headers, std::string body) {
  Invocation invocation;
  while (!headers.empty()) {
    size_t end = headers.find('\n');
    ReadHeader(headers.substr(0, end), invocation);
    headers.remove_prefix(end == std::string_view::npos ? headers.size() : end + 1);
  }
  // The id goes into URL paths: only the characters Lambda's UUIDs use.
  if (invocation.request_id.empty() ||
      invocation.request_id.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
          std::string::npos) {
    return Fail("the Runtime API sent an invocation without a usable "
                "Lambda-Runtime-Aws-Request-Id (got \"" + invocation.request_id + "\")");
  }
  invocation.body = std::move(body);
  return invocation;
}

std::string ErrorBody(std::string_view error_type, std::string_view message) {
  nlohmann::json body = {{"errorMessage", message}, {"errorType", error_type}};
  // Messages quote job text, which need not be valid UTF-8.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RuntimeApi::RuntimeApi(std::string endpoint)
    : base_("http://" + endpoint + "/2018-06-01/runtime") {
  GlobalInitOnce();
  curl_ = curl_easy_init();
}

RuntimeApi::~RuntimeApi() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Result<RuntimeApi::Reply> RuntimeApi::Send(const char* method, const std::string& path,
                                           const std::string& body,
                                           const std::string& error_type,
                                           std::string* headers_out) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return Fail("could not create a libcurl handle");
  curl_easy_reset(curl);
  std::string url = base_ + path;
  Reply reply;
  curl_slist* headers = nullptr;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 0L);  // next may block while the sandbox is idle
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendTo);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  if (headers_out != nullptr) {
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendTo);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, headers_out);
  }
  if (std::string_view(method) == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    if (!error_type.empty()) {
      std::string header = "Lambda-Runtime-Function-Error-Type: " + error_type;
      headers = curl_slist_append(headers, header.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  }
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return Fail(std::string(method) + " " + url + ": " + curl_easy_strerror(code));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

Result<Invocation> RuntimeApi::Next() {
  std::string headers;
  Result<Reply> reply = Send("GET", "/invocation/next", "", "", &headers);
  if (!reply.ok()) return reply.error();
  if (reply->status != 200) {
    return Fail("GET " + base_ + "/invocation/next answered HTTP " +
                std::to_string(reply->status) + ": " + reply->body);
  }
  return ParseInvocation(headers, std::move(reply->body));
}

Status RuntimeApi::Post(const std::string& path, const std::string& body,
                        const std::string& error_type) {
  Result<Reply> reply = Send("POST", path, body, error_type, nullptr);
  if (!reply.ok()) return reply.error();
  if (reply->status / 100 != 2) {
    return Fail("POST " + base_ + path + " answered HTTP " + std::to_string(reply->status) +
                ": " + reply->body);
  }
  return Status::Ok();
}

Status RuntimeApi::Respond(const std::string& request_id, const std::string& body) {
  return Post("/invocation/" + request_id + "/response", body, "");
}

Status RuntimeApi::ReportError(const std::string& request_id, std::string_view error_type,
                               std::string_view message) {
  return Post("/invocation/" + request_id + "/error", ErrorBody(error_type, message),
              std::string(error_type));
}

Status RuntimeApi::ReportInitError(std::string_view error_type, std::string_view message) {
  return Post("/init/error", ErrorBody(error_type, message), std::string(error_type));
}

}  // namespace rungs::worker
