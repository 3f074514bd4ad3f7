// Fault injection for the Lambda emulator: which invocations go wrong, and how.
//
// Each invocation draws at most one fault, with the given fractions of all
// invocations; draws come from one seeded generator, so a run with the same
// seed and the same order of invocations injects the same faults. What each
// fault does to its invocation is decided here too (LimitsFor,
// InjectedFunctionError); the emulator answers throttles and server errors
// as Lambda does (lambda_text.h) and drops connections with DropConnection.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "base/status.h"
#include "emulate/lambda_text.h"

namespace rungs::emulate {

enum class Fault {
  kNone,
  kThrottle,       // 429 TooManyRequestsException with Retry-After, before running
  kServerError,    // 500 ServiceException, before running
  kFunctionError,  // 200 with X-Amz-Function-Error, without running the function
  kTimeout,        // the instance is killed soon after it starts the job; answered as a timeout
  kDrop,           // the function runs to the end, then the connection closes unanswered
};

// "throttle", "server-error", ...: the name used in logs and counters.
const char* FaultName(Fault fault);

// Fractions in [0, 1] of all invocations; their sum may not exceed 1.
struct FaultRates {
  double throttle = 0;
  double server_error = 0;
  double function_error = 0;
  double timeout = 0;
  double drop = 0;

  // Names the flag that is out of range, or says the sum is over 1.
  Status Validate() const;
  bool any() const { return throttle + server_error + function_error + timeout + drop > 0; }
};

// Thread-safe.
class FaultDraw {
 public:
  FaultDraw(const FaultRates& rates, uint64_t seed) : rates_(rates), rng_(seed) {}

  // The fault for the next invocation (kNone most of the time).
  Fault Next();

 private:
  const FaultRates rates_;
  std::mutex mutex_;
  std::mt19937_64 rng_;  // guarded by mutex_
};

// How long an instance has to answer an invocation, from when it takes it,
// and whether its answer counts.
struct RunLimits {
  std::chrono::steady_clock::duration time_to_answer{};
  bool discard_answer = false;  // an answer sent in time is held until the deadline, then refused
};

// The function timeout, and the answer counts; but for kTimeout the instance
// is killed 200 ms after it takes the job (at the timeout if that is
// sooner), so tests need not wait the timeout out, and an answer it sends
// before is discarded, as if it had come too late.
RunLimits LimitsFor(Fault fault, double timeout_seconds);

// The answer of an invocation given kFunctionError, which never runs: a
// function error of type Rungs.InjectedFault, logged as START, END and the
// REPORT of an invocation that took no time.
FunctionAnswer InjectedFunctionError(const std::string& request_id, int memory_mb);

}  // namespace rungs::emulate
