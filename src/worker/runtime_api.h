// RuntimeApi: the Lambda Runtime API as a custom runtime uses it (the
// endpoint in $AWS_LAMBDA_RUNTIME_API, paths under /2018-06-01/runtime/).
//
//   next:      GET  invocation/next            -> the event and its headers
//   response:  POST invocation/{id}/response   <- the result
//   error:     POST invocation/{id}/error      <- {"errorMessage","errorType"}
//   init:      POST init/error                 <- the same, when start-up fails
//
// One libcurl easy handle, reused so the connection stays open between
// invocations. Not thread-safe: the worker loop is its only user.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::worker {

struct Invocation {
  std::string request_id;  // Lambda-Runtime-Aws-Request-Id
  // Lambda-Runtime-Deadline-Ms, in ms since the Unix epoch; nullopt when the
  // header is missing or not a number.
  std::optional<int64_t> deadline_ms;
  std::string trace_id;    // Lambda-Runtime-Trace-Id, may be empty
  std::string body;        // the event: a job request
};

class RuntimeApi {
 public:
  // `endpoint` is host:port, as $AWS_LAMBDA_RUNTIME_API gives it.
  explicit RuntimeApi(std::string endpoint);
  ~RuntimeApi();
  RuntimeApi(const RuntimeApi&) = delete;
  RuntimeApi& operator=(const RuntimeApi&) = delete;

  // Waits, without a timeout (Lambda may keep the request open indefinitely
  // while the sandbox is frozen), for the next invocation.
  Result<Invocation> Next();
  Status Respond(const std::string& request_id, const std::string& body);
  // errorType is a short machine name ("InvalidJob"); it also goes into
  // the Lambda-Runtime-Function-Error-Type header.
  Status ReportError(const std::string& request_id, std::string_view error_type,
                     std::string_view message);
  Status ReportInitError(std::string_view error_type, std::string_view message);

 private:
  struct Reply {
    long status = 0;
    std::string body;
  };
  // One request on the shared handle; `headers_out` receives the response's
  // header lines as received (when not null).
  Result<Reply> Send(const char* method, const std::string& path, const std::string& body,
                     const std::string& error_type, std::string* headers_out);
  Status Post(const std::string& path, const std::string& body, const std::string& error_type);

  std::string base_;  // http://host:port/2018-06-01/runtime
  void* curl_;        // CURL*, kept opaque to callers
};

// The invocation a 200 answer to GET invocation/next carries: `headers` are
// the answer's header lines as received ("Name: value\r\n"; names in any
// case; other lines are ignored), `body` is the event. Fails when the
// Lambda-Runtime-Aws-Request-Id is missing or holds characters other than
// letters, digits, '-', '_' and '.' (the id goes into URL paths). Pure,
// thread-safe.
Result<Invocation> ParseInvocation(std::string_view headers, std::string body);

// {"errorMessage": ..., "errorType": ...} as the Runtime API takes it.
std::string ErrorBody(std::string_view error_type, std::string_view message);

}  // namespace rungs::worker
