#include "emulate/lambda_text.h"

#include <sys/wait.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/base64.h"

namespace rungs::emulate {

ErrorAnswer TooManyRequestsAnswer() {
  const std::string message = "Rate Exceeded.";
  return {429, "TooManyRequestsException", message,
          nlohmann::json{{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"},
                         {"Type", "User"},
                         {"message", message}}
              .dump()};
}

ErrorAnswer ServiceErrorAnswer(const std::string& message) {
  return {500, "ServiceException", message,
          nlohmann::json{{"Type", "Service"}, {"Message", message}}.dump()};
}

ErrorAnswer RuntimeErrorAnswer(int status, const std::string& type, const std::string& message) {
  return {status, type, message, FunctionErrorJson(type, message)};
}

std::string NewRequestId(std::mt19937_64& rng) {
  uint64_t high = rng();
  uint64_t low = rng();
  high = (high & ~0xF000ull) | 0x4000ull;                       // version 4
  low = (low & ~(0xCull << 60)) | (0x8ull << 60);               // variant 10xx
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
  return text;
}

std::string TraceHeader(const std::string& request_id, std::time_t now) {
  std::string hex;
  for (char c : request_id) {
    if (c != '-') hex += c;
  }
  hex.resize(32, '0');
  char text[96];
  std::snprintf(text, sizeof(text), "Root=1-%08llx-%s;Parent=%s;Sampled=0",
                static_cast<unsigned long long>(now) & 0xFFFFFFFFull, hex.substr(0, 24).c_str(),
                hex.substr(16, 16).c_str());
  return text;
}

std::string DescribeExit(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    // Lambda's wording is Go's: "signal: killed", "signal: segmentation fault".
    std::string name = strsignal(WTERMSIG(wait_status));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "signal: " + name;
  }
  return "unknown exit (wait status " + std::to_string(wait_status) + ")";
}

std::string FunctionErrorJson(const std::string& type, const std::string& message) {
  return nlohmann::json{{"errorType", type}, {"errorMessage", message}}.dump();
}

std::string TimeoutErrorJson(const std::string& request_id, double timeout_seconds) {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", timeout_seconds);
  return FunctionErrorJson("Sandbox.Timedout", "RequestId: " + request_id +
                                                   " Error: Task timed out after " + seconds +
                                                   " seconds");
}

std::string ExitErrorJson(const std::string& request_id, const std::string& exit_description) {
  return FunctionErrorJson("Runtime.ExitError", "RequestId: " + request_id +
                                                    " Error: Runtime exited with error: " +
                                                    exit_description);
}

std::string StartLine(const std::string& request_id) {
  return "START RequestId: " + request_id + " Version: $LATEST";
}

std::string EndLine(const std::string& request_id) { return "END RequestId: " + request_id; }

std::string ReportLine(const ReportFields& f) {
  double billed = std::ceil(f.duration_ms + std::max(0.0, f.init_duration_ms));
  char text[512];
  int n = std::snprintf(text, sizeof(text),
                        "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\t"
                        "Memory Size: %d MB\tMax Memory Used: %d MB\t",
                        f.request_id.c_str(), f.duration_ms, billed, f.memory_mb,
                        f.max_memory_used_mb);
  std::string line(text, static_cast<size_t>(std::max(0, n)));
  if (f.init_duration_ms >= 0) {
    std::snprintf(text, sizeof(text), "Init Duration: %.2f ms\t", f.init_duration_ms);
    line += text;
  }
  if (f.timed_out) line += "Status: timeout";
  return line;
}

std::string LogTailBase64(const std::string& log) {
  constexpr size_t kTail = 4096;
  std::string_view tail = log;
  if (tail.size() > kTail) tail.remove_prefix(tail.size() - kTail);
  return Base64Encode(tail);
}

}  // namespace rungs::emulate
