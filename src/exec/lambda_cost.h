// What Lambda bills for an invocation, and what that costs.
//
// Lambda bills an invocation's duration, rounded up to the millisecond,
// times the function's memory. With `X-Amz-Log-Type: Tail` the Invoke
// response carries the last 4 KB of the function's log, base64-encoded in
// X-Amz-Log-Result; its REPORT line holds both figures:
//   REPORT RequestId: ...  Duration: 102.25 ms  Billed Duration: 103 ms  Memory Size: 128 MB ...
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "job/job.h"

namespace rungs::exec {

// The public x86 price per GB-second (us-east-1, first tier).
inline constexpr double kDefaultPricePerGbSecond = 0.0000166667;

// The last REPORT line's "Billed Duration" and "Memory Size" from a base64
// X-Amz-Log-Result; nullopt when it does not decode or holds no such line.
std::optional<job::Cost> BillingFromLogResult(std::string_view base64);

// Billed milliseconds times memory, in GB-seconds (1 GB = 1024 MB).
double GbSeconds(const job::Cost& cost);

}  // namespace rungs::exec
