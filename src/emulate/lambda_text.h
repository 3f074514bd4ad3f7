// The texts AWS Lambda produces that the emulator must reproduce: request
// ids, the error documents of a timed-out or crashed invocation, the REPORT
// log line and the base64 log tail of X-Amz-Log-Result.
#pragma once

#include <cstdint>
#include <ctime>
#include <random>
#include <string>

namespace rungs::emulate {

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
