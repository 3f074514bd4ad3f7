// The checks the emulator makes on a request before acting on it, in the
// order Lambda makes them, and the error answer each failed check gets.
// Pure functions of the request's parts: no server, no state, so every
// answer is tested alone. The emulator's HTTP handlers call them, and its
// supervisor calls the Runtime API checks with what an instance holds.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "emulate/lambda_text.h"

namespace rungs::emulate {

// Lambda's limit on a synchronous request or response payload (6 MB).
constexpr size_t kMaxPayload = 6 * 1024 * 1024;

// The parts of an Invoke request (POST /2015-03-31/functions/{function}/invocations)
// that are checked.
struct InvokeRequest {
  std::string function;                      // the path's {function}, as sent
  std::string query_qualifier;               // ?Qualifier=, "" when absent
  std::optional<std::string> authorization;  // the Authorization header
  bool has_date = false;                     // whether X-Amz-Date is present
  std::string invocation_type;               // X-Amz-Invocation-Type, "" when absent
  size_t payload_bytes = 0;
};

// What checking an Invoke request found: an error answer, or the invocation's target.
struct InvokeCheck {
  std::optional<ErrorAnswer> refused;  // set: answer with it and do nothing else
  std::string arn;                     // the function's ARN as invoked, with its qualifier
  std::string scope;                   // the credential scope, "AKID/date/region/lambda"
};

// Checks an Invoke request to the function `function_name` served in
// `region`, in Lambda's order: the qualifier (400 when the name's and the
// query's differ), the function (404 for another function or a published
// version number; any alias resolves to $LATEST), the Authorization header
// (403 unless it looks like SigV4 scoped to `region` and "lambda";
// signatures are not checked), the invocation type (400 unless
// RequestResponse) and the payload size (413 over kMaxPayload).
InvokeCheck CheckInvoke(const InvokeRequest& request, const std::string& function_name,
                        const std::string& region);

// GET .../runtime/invocation/next from an instance that holds the
// invocation `held_id` ("" when none): 400 InvalidStateTransition while it
// holds one.
std::optional<ErrorAnswer> CheckNext(const std::string& held_id);

// POST .../runtime/invocation/{posted_id}/response or /error from an
// instance that holds `held_id`: 400 InvalidRequestID unless they match.
std::optional<ErrorAnswer> CheckAnswerId(const std::string& posted_id, const std::string& held_id);

// The same post's payload: 413 RequestEntityTooLarge over kMaxPayload. Its
// message is also what the invocation is answered with (errorType
// Function.ResponseSizeTooLarge).
std::optional<ErrorAnswer> CheckAnswerSize(size_t payload_bytes);

}  // namespace rungs::emulate
