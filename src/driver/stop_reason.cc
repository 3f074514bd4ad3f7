#include "driver/stop_reason.h"

#include <string>

namespace rungs::driver {

std::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kDone: return "done";
    case StopReason::kMaxJobs: return "max_jobs";
    case StopReason::kMaxSeconds: return "max_seconds";
    case StopReason::kStopRequested: return "stop requested";
    case StopReason::kBudgetDollars: return "budget_dollars";
    case StopReason::kJobsFailing: return "jobs_failing";
  }
  return "done";
}

std::string_view StopReasonText(StopReason reason) {
  switch (reason) {
    case StopReason::kDone: return "done";
    case StopReason::kMaxJobs: return "job limit reached";
    case StopReason::kMaxSeconds: return "time budget spent";
    case StopReason::kStopRequested: return "stopped by the user";
    case StopReason::kBudgetDollars: return "money budget spent";
    case StopReason::kJobsFailing: return "jobs kept failing";
  }
  return "done";
}

Result<StopReason> ParseStopReason(std::string_view name) {
  for (StopReason reason : kStopReasons) {
    if (StopReasonName(reason) == name) return reason;
  }
  return Fail("unknown stop reason '" + std::string(name) + "'");
}

}  // namespace rungs::driver
