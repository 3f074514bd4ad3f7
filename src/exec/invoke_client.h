// InvokeClient: many Lambda Invoke requests in flight from one thread.
//
// Each request is POST {endpoint}/2015-03-31/functions/{function}/invocations
// [?Qualifier=q], synchronous (RequestResponse), asking for the log tail
// (X-Amz-Log-Type: Tail), its body passed through CURLOPT_POSTFIELDS and
// signed with SigV4 by libcurl (aws::SignWithSigV4). All requests share one
// libcurl multi handle, so connections (and TLS sessions) are reused, and
// finished easy handles are kept for the next request. Raises the process's
// open-file limit as far as needed for `max_in_flight` connections.
// Not thread-safe: one thread calls every method.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>

#include "aws/credentials.h"
#include "base/status.h"
#include "exec/retry_policy.h"

namespace rungs::exec {

struct InvokeTarget {
  std::string endpoint;   // e.g. https://lambda.eu-west-1.amazonaws.com or http://127.0.0.1:9001
  std::string function;   // letters, digits, '-' and '_', 1..64
  std::string qualifier;  // alias or version; empty: $LATEST
  std::string region;
  aws::Credentials credentials;
};

// OK, or what is wrong with a function name or qualifier (`what` names the
// flag in the message).
Status CheckFunctionName(const std::string& name, const std::string& what);

// The Invoke URL of `target`.
std::string InvocationsUrl(const InvokeTarget& target);

// How one request ended: an HTTP answer (`transport` is CURLE_OK), or a
// transport failure without one.
struct InvokeResponse {
  uint64_t tag = 0;              // as given to Start
  CURLcode transport = CURLE_OK;
  std::string transport_error;   // libcurl's message when transport failed
  long status = 0;               // HTTP status
  std::string body;
  std::string function_error;    // X-Amz-Function-Error ("Unhandled", ...)
  std::string log_result;        // X-Amz-Log-Result (base64 log tail)
  std::string error_type;        // X-Amzn-ErrorType (e.g. TooManyRequestsException)
  std::string retry_after;       // Retry-After
  double seconds = 0;            // from start to the last byte
};

// Reads one response header line ("Name: value\r\n", the name in any case)
// into the field of `response` it names: X-Amz-Function-Error,
// X-Amz-Log-Result, X-Amzn-ErrorType or Retry-After. Other lines are ignored.
void ReadInvokeHeader(std::string_view line, InvokeResponse& response);

// What Lambda's error answer says, for the failed job's message: "HTTP 429
// TooManyRequestsException: Rate Exceeded." from the status, X-Amzn-ErrorType
// (or the body's "Type") and the JSON body's "message" or "Message".
std::string ServiceErrorText(const InvokeResponse& response);

// What the function's own error answer says: "function error (Unhandled)
// InvalidJob: ..." from X-Amz-Function-Error and the body's "errorType" and
// "errorMessage", or its first 1000 bytes when it holds no errorMessage.
std::string FunctionErrorText(const InvokeResponse& response);

// The failure cause of a transport error: timeouts, and connections that
// could not be made or were dropped, are kTimeout / kConnection (retried);
// anything else (a bad URL, a TLS certificate problem) kOther.
FailureCause CauseOfTransport(CURLcode code);

class InvokeClient {
 public:
  // `read_timeout_seconds` bounds each request from start to last byte.
  InvokeClient(InvokeTarget target, double read_timeout_seconds, int max_in_flight);
  ~InvokeClient();
  InvokeClient(const InvokeClient&) = delete;
  InvokeClient& operator=(const InvokeClient&) = delete;

  // Sends `body` as one invocation; its response comes back from Poll with
  // `tag`. Fails only when libcurl refuses the request.
  Status Start(uint64_t tag, std::string body);

  // Drives every transfer for up to `timeout_seconds` (0: just what is
  // ready) and returns the requests that finished, possibly none.
  std::vector<InvokeResponse> Poll(double timeout_seconds);

  // Ends every request at once without a response.
  void AbortAll();

  size_t in_flight() const { return in_flight_; }

 private:
  struct Transfer;
  std::vector<InvokeResponse> Collect();
  void Release(Transfer* transfer);

  const InvokeTarget target_;
  const std::string url_;
  const long timeout_ms_;
  CURLM* multi_;
  size_t in_flight_ = 0;
  std::vector<std::unique_ptr<Transfer>> transfers_;  // every transfer made, in use or idle
  std::vector<Transfer*> idle_;                        // finished, ready for reuse
};

}  // namespace rungs::exec
