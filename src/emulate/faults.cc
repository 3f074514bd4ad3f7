#include "emulate/faults.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace rungs::emulate {
namespace {

constexpr auto kTimeoutFaultDelay = std::chrono::milliseconds(200);

}  // namespace

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone: return "none";
    case Fault::kThrottle: return "throttle";
    case Fault::kServerError: return "server-error";
    case Fault::kFunctionError: return "function-error";
    case Fault::kTimeout: return "timeout";
    case Fault::kDrop: return "drop";
  }
  return "?";
}

Status FaultRates::Validate() const {
  const std::vector<std::pair<const char*, double>> flags = {
      {"--fault-429", throttle},         {"--fault-500", server_error},
      {"--fault-function-error", function_error}, {"--fault-timeout", timeout},
      {"--fault-drop", drop}};
  double sum = 0;
  for (const auto& [flag, rate] : flags) {
    if (!std::isfinite(rate) || rate < 0 || rate > 1) {
      return Fail(std::string(flag) + " must be a fraction in [0, 1] (got " +
                  std::to_string(rate) + ")");
    }
    sum += rate;
  }
  if (sum > 1 + 1e-9) {
    return Fail("the --fault-* fractions add up to " + std::to_string(sum) +
                "; at most 1 (each invocation gets at most one fault)");
  }
  return Status::Ok();
}

Fault FaultDraw::Next() {
  if (!rates_.any()) return Fault::kNone;
  double u;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    u = std::uniform_real_distribution<double>(0, 1)(rng_);
  }
  // Consecutive slices of [0, 1), one per fault kind.
  const std::pair<Fault, double> slices[] = {{Fault::kThrottle, rates_.throttle},
                                             {Fault::kServerError, rates_.server_error},
                                             {Fault::kFunctionError, rates_.function_error},
                                             {Fault::kTimeout, rates_.timeout},
                                             {Fault::kDrop, rates_.drop}};
  double edge = 0;
  for (const auto& [fault, rate] : slices) {
    edge += rate;
    if (u < edge) return fault;
  }
  return Fault::kNone;
}

RunLimits LimitsFor(Fault fault, double timeout_seconds) {
  using Duration = std::chrono::steady_clock::duration;
  const auto timeout =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(timeout_seconds));
  if (fault != Fault::kTimeout) return {timeout, false};
  return {std::min<Duration>(timeout, kTimeoutFaultDelay), true};
}

FunctionAnswer InjectedFunctionError(const std::string& request_id, int memory_mb) {
  FunctionAnswer answer;
  answer.function_error = true;
  answer.body = FunctionErrorJson("Rungs.InjectedFault",
                                  "RequestId: " + request_id + " Error: injected function error");
  answer.log = StartLine(request_id) + "\n" + EndLine(request_id) + "\n" +
               ReportLine({request_id, 0, memory_mb, 0, -1, false}) + "\n";
  return answer;
}

}  // namespace rungs::emulate
