// The function's instances and the invocations they run.
//
// Each instance is a process (instance_process.h) that a thread of its own
// keeps running: started with the function's environment
// (InstanceEnvironment), its log collected a line at a time, and started
// again whenever it ends (after 1 s when it ended before asking for work).
// Invocations wait in one queue until an instance asks for work (Next). An
// instance that holds one past its deadline is killed and the invocation
// answered as a timeout; one that ends while holding an invocation answers it
// with Runtime.ExitError. An invocation that no instance takes within the
// function timeout (instances failing to start) is answered as a timeout too.
// An instance whose init fails is killed, as Lambda discards it.
//
// The HTTP servers are the emulator's: its Invoke API calls Run, and the
// Runtime API of instance i (at runtime_ports[i]) calls Next, PostAnswer and
// PostInitError with i. Thread-safe; Run, Next and PostAnswer block.
#pragma once

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "emulate/emulator_options.h"
#include "emulate/faults.h"
#include "emulate/lambda_text.h"

namespace rungs::emulate {

class InstanceProcess;

// An invocation for an instance to run.
struct RunRequest {
  std::string id;  // its request id
  std::string payload;
  std::string arn;   // the function's ARN as invoked
  RunLimits limits;  // time to answer and whether the answer counts (LimitsFor)
};

enum class RunOutcome {
  kAnswered,  // by its instance: a response, a function error or Runtime.ExitError
  kTimedOut,  // its instance passed the deadline and was killed: Sandbox.Timedout
  kNotTaken,  // no instance took it within the function timeout: Sandbox.Timedout
  kStopped,   // the supervisor stopped first; no answer
};

struct RunResult {
  RunOutcome outcome = RunOutcome::kStopped;
  FunctionAnswer answer;
};

// What an instance asking for work gets.
struct NextInvocation {
  std::optional<ErrorAnswer> refused;  // set: no invocation for it
  std::string id;
  std::string payload;
  std::string arn;
};

// Counts since Start.
struct SupervisorStats {
  int64_t starts = 0;   // instance processes started
  int64_t crashes = 0;  // instances that exited while holding an invocation
  int ready = 0;        // instances running that have asked for work
};

// The environment of instance `index`, whose Runtime API is at
// 127.0.0.1:`runtime_port`: the caller's AWS_* variables (as a function's
// execution role would provide them), PATH and LD_LIBRARY_PATH; what Lambda
// sets (AWS_LAMBDA_*, the region, LAMBDA_TASK_ROOT, _HANDLER, TZ) replacing
// the caller's; then `options.environment`.
std::vector<std::string> InstanceEnvironment(const EmulatorOptions& options, int index,
                                             int runtime_port);

class Supervisor {
 public:
  // `options.instances` instances of `options.command`; none runs before Start.
  explicit Supervisor(const EmulatorOptions& options);
  // Stops.
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts the instances, instance i told its Runtime API is at
  // 127.0.0.1:runtime_ports[i] (one port per instance). Call once.
  void Start(const std::vector<int>& runtime_ports);

  // Kills the instances, ends every Run (kStopped), Next (500
  // Runtime.Unavailable) and PostAnswer waiting, and joins the instances'
  // threads. Idempotent; afterwards every call returns at once.
  void Stop();

  // Queues an invocation and waits until it is answered, times out, or the
  // supervisor stops.
  RunResult Run(RunRequest request);

  // Instance `instance` asks for work: waits until an invocation is queued
  // and hands it over. Refused while it holds one (400), and once its process
  // has ended or the supervisor stops (500 Runtime.Unavailable).
  NextInvocation Next(int instance);

  // Instance `instance` answers invocation `id` with `body`, a function error
  // when `is_error`: nullopt when taken. Refused when it holds no invocation
  // `id` (400); over 6 MB (413, and the invocation is answered with
  // Function.ResponseSizeTooLarge); and when its answer is discarded
  // (RunLimits): 410 Sandbox.Timedout once the deadline has passed.
  std::optional<ErrorAnswer> PostAnswer(int instance, const std::string& id, std::string body,
                                        bool is_error);

  // Instance `instance` failed to initialize (`report` is what it sent): a
  // notice, and the instance is killed and started again.
  void PostInitError(int instance, const std::string& report);

  SupervisorStats stats() const;

 private:
  struct Invocation;
  struct Instance;

  void Supervise(Instance& in);
  // Collects `process`'s log into `in` until it ends; returns its wait status.
  int CollectLogUntilExit(Instance& in, InstanceProcess& process);

  // The rest require mutex_.
  void Enqueue(std::shared_ptr<Invocation> invocation);
  void WaitForAnswer(std::unique_lock<std::mutex>& lock, Invocation& invocation);
  void TimeOut(Invocation& invocation);
  void Finish(Invocation& invocation, bool function_error, std::string body, bool timed_out);
  void Supersede(Instance& in);
  // Moves what `process` has written so far into `in`'s log.
  void DrainLog(Instance& in, InstanceProcess& process, bool* ended);
  // Adds output to `in`'s log, whole lines at a time, and echoes them.
  void AppendLog(Instance& in, const std::string& text);
  bool SleepUnlessStopping(std::unique_lock<std::mutex>& lock);

  const EmulatorOptions options_;
  std::vector<std::unique_ptr<Instance>> instances_;  // fixed

  mutable std::mutex mutex_;
  bool stopping_ = false;                          // guarded by mutex_
  std::condition_variable stop_requested_;         // with mutex_
  std::deque<std::shared_ptr<Invocation>> queue_;  // queued, not taken; guarded by mutex_
  std::unordered_set<Invocation*> waiting_;        // a Run waits for these; guarded by mutex_
  SupervisorStats stats_;                          // guarded by mutex_
};

}  // namespace rungs::emulate
