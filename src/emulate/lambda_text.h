// The texts AWS Lambda produces that the emulator must reproduce: request
// ids, the error answers of its two APIs, the error documents of a timed-out
// or crashed invocation, the START, END and REPORT log lines and the base64
// log tail of X-Amz-Log-Result.
#pragma once

#include <cstdint>
#include <ctime>
#include <random>
#include <string>

namespace rungs::emulate {

// An error answer of the Invoke or the Runtime API.
struct ErrorAnswer {
  int status = 0;
  std::string type;     // Lambda's error type (x-amzn-ErrorType, or the errorType)
  std::string message;  // what is wrong, in words (also in the body)
  std::string body;     // the JSON document sent
};

// What an invocation is answered with.
struct FunctionAnswer {
  bool function_error = false;  // X-Amz-Function-Error: Unhandled
  std::string body;             // the function's response or error document
  std::string log;              // START, what the instance printed, END and REPORT
};

// 429 TooManyRequestsException, Reason
// ReservedFunctionConcurrentInvocationLimitExceeded, "Rate Exceeded." (the
// caller adds Retry-After).
ErrorAnswer TooManyRequestsAnswer();

// 500 ServiceException {"Type":"Service","Message": message}.
ErrorAnswer ServiceErrorAnswer(const std::string& message);

// A Runtime API error: `status` with {"errorType": type, "errorMessage": message}.
ErrorAnswer RuntimeErrorAnswer(int status, const std::string& type, const std::string& message);

// A random version 4 UUID in lowercase hex ("8476a536-e9f4-41e8-9739-2dfe598c3fcd").
std::string NewRequestId(std::mt19937_64& rng);

// An X-Ray trace header derived from the request id:
// "Root=1-<hex time>-<24 hex digits>;Parent=<16 hex digits>;Sampled=0".
std::string TraceHeader(const std::string& request_id, std::time_t now);

// How a process ended, worded as Lambda words it after "Runtime exited with
// error: ": "exit status 3" or "signal: killed". `wait_status` is waitpid's.
std::string DescribeExit(int wait_status);

// The function error of an invocation that ran past the function timeout:
// {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 3.00 seconds"}
std::string TimeoutErrorJson(const std::string& request_id, double timeout_seconds);

// The function error of an invocation whose runtime process ended before it
// answered: {"errorType":"Runtime.ExitError","errorMessage":"RequestId: <id> Error: Runtime exited with error: exit status 1"}
std::string ExitErrorJson(const std::string& request_id, const std::string& exit_description);

// {"errorType": type, "errorMessage": message}
std::string FunctionErrorJson(const std::string& type, const std::string& message);

// "START RequestId: <id> Version: $LATEST" and "END RequestId: <id>", the
// lines around an invocation's log (without a newline).
std::string StartLine(const std::string& request_id);
std::string EndLine(const std::string& request_id);

struct ReportFields {
  std::string request_id;
  double duration_ms = 0;
  int memory_mb = 0;
  int max_memory_used_mb = 0;
  double init_duration_ms = -1;  // < 0: a warm invocation, no Init Duration field
  bool timed_out = false;        // adds "Status: timeout"
};

// The REPORT line Lambda logs after each invocation (without a newline):
// "REPORT RequestId: <id>\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\t
// Memory Size: 2048 MB\tMax Memory Used: 57 MB\t". Billed duration is the
// duration plus any init duration, rounded up to the millisecond.
std::string ReportLine(const ReportFields& fields);

// What goes in X-Amz-Log-Result: the base64 of the last 4 KB of `log`.
std::string LogTailBase64(const std::string& log);

}  // namespace rungs::emulate
