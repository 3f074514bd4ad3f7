// A local AWS Lambda for one function: the Invoke API on one port, and the
// Runtime API on a port per instance for N instance processes (custom
// runtimes such as `rungs worker`), with seeded fault injection.
//
// Invoke (POST /2015-03-31/functions/{name}/invocations, RequestResponse):
// an invocation is admitted while fewer than N are in flight (more answer
// 429 TooManyRequestsException, as Lambda does at a function's reserved
// concurrency), waits for an instance to ask for it with
// GET /2018-06-01/runtime/invocation/next, and is answered with what the
// instance posts to .../{id}/response (200) or .../{id}/error (200 with
// X-Amz-Function-Error: Unhandled). An instance past the function timeout is
// killed and the invocation answered with Lambda's Sandbox.Timedout error; an
// instance that exits mid-invocation gets Runtime.ExitError; either way the
// instance is started again. An invocation that no instance takes within the
// timeout (instances failing to start) is answered as a timeout too.
//
// Requests must carry an Authorization header shaped like SigV4 whose
// credential scope names the emulator's region and "lambda"; signatures are
// not checked. The memory size is reported, not enforced.
//
// Its parts: emulator_options.h (what it serves, and how), request_checks.h
// (what a request must be, and the answer when it is not), supervisor.h (the
// instance processes and the invocations they run), faults.h (which
// invocations go wrong, and how) and console.h (what it prints); the
// emulator wires them to the two HTTP APIs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "emulate/emulator_options.h"
#include "emulate/faults.h"

namespace rungs::emulate {

// Counts since Start, for tests and the exit summary.
struct EmulatorStats {
  int64_t invocations = 0;          // Invoke requests for the function
  int64_t answered = 0;             // by an instance: a response or a function error
  int64_t throttled = 0;            // 429 because every instance was busy
  std::array<int64_t, 6> faults{};  // injected, indexed by Fault
  int64_t timeouts = 0;             // instances killed at the deadline
  int64_t crashes = 0;              // instances that exited while holding an invocation
  int64_t starts = 0;               // instance processes started
  int ready = 0;                    // instances running that have asked for work
};

class Emulator {
 public:
  // Validates `options`, listens, and starts the instances. Fails naming the
  // bad option, the port that cannot be bound, or a command that cannot start.
  static Result<std::unique_ptr<Emulator>> Start(const EmulatorOptions& options);

  // Stops (see Stop).
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Stops listening, answers invocations still waiting with 500, and kills
  // the instances. Idempotent.
  void Stop();

  int port() const;
  std::string url() const;  // "http://HOST:PORT" (127.0.0.1 for a wildcard host)
  EmulatorStats stats() const;

  class Impl;

 private:
  explicit Emulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The default instance command: this program with the `worker` subcommand.
std::vector<std::string> DefaultWorkerCommand();

}  // namespace rungs::emulate
