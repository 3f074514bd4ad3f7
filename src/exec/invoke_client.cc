#include "exec/invoke_client.h"

#include <sys/resource.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

#include "aws/ca_bundle.h"
#include "aws/sigv4.h"

namespace rungs::exec {

struct InvokeClient::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // must outlive the transfer: CURLOPT_POSTFIELDS does not copy
  InvokeResponse response;
  char error[CURL_ERROR_SIZE] = {};
};

namespace {

bool ValidNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// Lets this process hold `wanted` descriptors, as far as the hard limit allows.
void RaiseOpenFileLimit(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

// Hands each response header line to ReadInvokeHeader.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  ReadInvokeHeader(std::string_view(data, size * count), *static_cast<InvokeResponse*>(user));
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

Status CheckFunctionName(const std::string& name, const std::string& what) {
  if (name.empty() || name.size() > 64) {
    return Fail(what + " must be 1 to 64 characters, got " + std::to_string(name.size()));
  }
  auto bad = std::find_if_not(name.begin(), name.end(), ValidNameChar);
  if (bad != name.end()) {
    return Fail(what + " '" + name + "' may hold only letters, digits, '-' and '_' (not '" +
                std::string(1, *bad) + "')");
  }
  return Status::Ok();
}

std::string InvocationsUrl(const InvokeTarget& target) {
  std::string endpoint = target.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::string url = endpoint + "/2015-03-31/functions/" + target.function + "/invocations";
  if (!target.qualifier.empty()) url += "?Qualifier=" + target.qualifier;
  return url;
}

void ReadInvokeHeader(std::string_view line, InvokeResponse& response) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  auto is = [&](const char* want) {
    return name.size() == std::strlen(want) && strncasecmp(name.data(), want, name.size()) == 0;
  };
  if (is("X-Amz-Function-Error")) response.function_error = value;
  else if (is("X-Amz-Log-Result")) response.log_result = value;
  else if (is("X-Amzn-ErrorType")) response.error_type = value;
  else if (is("Retry-After")) response.retry_after = value;
}

std::string ServiceErrorText(const InvokeResponse& r) {
  std::string text = "HTTP " + std::to_string(r.status);
  std::string type = r.error_type.substr(0, r.error_type.find(':'));
  std::string message;
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    for (const char* key : {"message", "Message"}) {
      if (body.contains(key) && body[key].is_string()) message = body[key].get<std::string>();
    }
    if (type.empty() && body.contains("Type") && body["Type"].is_string()) type = body["Type"].get<std::string>();
  }
  if (!type.empty()) text += " " + type;
  if (!message.empty()) text += ": " + message;
  return text;
}

std::string FunctionErrorText(const InvokeResponse& r) {
  // Built by appending: g++ 12 warns falsely (-Wrestrict) on "literal" + string.
  std::string text = "function error (";
  text.append(r.function_error).append(")");
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    if (body.contains("errorType") && body["errorType"].is_string()) {
      text += " " + body["errorType"].get<std::string>();
    }
    if (body.contains("errorMessage") && body["errorMessage"].is_string()) {
      return text + ": " + body["errorMessage"].get<std::string>();
    }
  }
  return text + ": " + r.body.substr(0, 1000);
}

FailureCause CauseOfTransport(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return FailureCause::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FailureCause::kConnection;
    default:
      return FailureCause::kOther;
  }
}

InvokeClient::InvokeClient(InvokeTarget target, double read_timeout_seconds, int max_in_flight)
    : target_(std::move(target)),
      url_(InvocationsUrl(target_)),
      timeout_ms_(std::max(1L, static_cast<long>(read_timeout_seconds * 1000))) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  // A socket per request in flight, and some to spare for the rest of the process.
  RaiseOpenFileLimit(static_cast<rlim_t>(max_in_flight) + 256);
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(max_in_flight));
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(max_in_flight));
}

InvokeClient::~InvokeClient() {
  AbortAll();
  for (auto& t : transfers_) {
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
  }
  curl_multi_cleanup(multi_);
}

Status InvokeClient::Start(uint64_t tag, std::string body) {
  Transfer* t;
  if (idle_.empty()) {
    transfers_.push_back(std::make_unique<Transfer>());
    t = transfers_.back().get();
  } else {
    t = idle_.back();
    idle_.pop_back();
  }
  // A fresh easy handle per request; connections stay in the multi handle.
  curl_easy_cleanup(t->easy);
  t->easy = curl_easy_init();
  if (!t->easy) {
    idle_.push_back(t);
    return Fail("lambda invoke: libcurl could not create a request");
  }
  curl_slist_free_all(t->headers);
  t->headers = nullptr;
  t->body = std::move(body);
  t->response = InvokeResponse{};
  t->response.tag = tag;
  t->error[0] = '\0';

  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
  aws::UseCaBundleFromEnvironment(e);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->response.body);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t->response);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms_, 10000L));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
  t->headers = curl_slist_append(t->headers, "X-Amz-Invocation-Type: RequestResponse");
  t->headers = curl_slist_append(t->headers, "X-Amz-Log-Type: Tail");
  aws::SignWithSigV4(e, &t->headers, target_.credentials, target_.region, "lambda");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  if (CURLMcode m = curl_multi_add_handle(multi_, e); m != CURLM_OK) {
    idle_.push_back(t);
    return Fail(std::string("lambda invoke: ") + curl_multi_strerror(m));
  }
  ++in_flight_;
  return Status::Ok();
}

std::vector<InvokeResponse> InvokeClient::Poll(double timeout_seconds) {
  int running = 0;
  curl_multi_perform(multi_, &running);
  std::vector<InvokeResponse> done = Collect();
  if (!done.empty() || timeout_seconds <= 0) return done;
  curl_multi_poll(multi_, nullptr, 0, static_cast<int>(std::ceil(timeout_seconds * 1000)), nullptr);
  curl_multi_perform(multi_, &running);
  return Collect();
}

std::vector<InvokeResponse> InvokeClient::Collect() {
  std::vector<InvokeResponse> done;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    InvokeResponse& r = t->response;
    r.transport = msg->data.result;
    if (r.transport == CURLE_OK) {
      curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
    } else {
      r.transport_error = t->error[0] ? t->error : curl_easy_strerror(r.transport);
    }
    curl_off_t micros = 0;
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &micros);
    r.seconds = static_cast<double>(micros) / 1e6;
    done.push_back(std::move(r));
    Release(t);
  }
  return done;
}

void InvokeClient::Release(Transfer* t) {
  curl_multi_remove_handle(multi_, t->easy);
  t->body.clear();
  idle_.push_back(t);
  --in_flight_;
}

void InvokeClient::AbortAll() {
  for (auto& t : transfers_) {
    if (std::find(idle_.begin(), idle_.end(), t.get()) == idle_.end()) Release(t.get());
  }
}

}  // namespace rungs::exec
