// The emulator wires its parts to the two HTTP APIs: each handler turns a
// request into calls of request_checks.h, faults.h and the Supervisor, and
// their results into Lambda's answers. Admission (the concurrency limit) and
// the counts of EmulatorStats that the supervisor does not keep live here.
#include "emulate/emulator.h"

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "emulate/connection_drop.h"
#include "emulate/console.h"
#include "emulate/instance_process.h"
#include "emulate/lambda_text.h"
#include "emulate/request_checks.h"
#include "emulate/supervisor.h"

namespace rungs::emulate {
namespace {

constexpr int kRuntimeThreads = 4;  // per instance: the long poll, a result, slack

InvokeRequest InvokeRequestOf(const httplib::Request& req) {
  InvokeRequest request;
  request.function = req.matches[1];
  request.query_qualifier = req.get_param_value("Qualifier");
  if (req.has_header("Authorization")) {
    request.authorization = req.get_header_value("Authorization");
  }
  request.has_date = req.has_header("X-Amz-Date");
  request.invocation_type = req.get_header_value("X-Amz-Invocation-Type");
  request.payload_bytes = req.body.size();
  return request;
}

void SendInvokeError(httplib::Response& res, const ErrorAnswer& error) {
  res.status = error.status;
  res.set_header("x-amzn-ErrorType", error.type);
  res.set_content(error.body, "application/json");
}

void SendRuntimeError(httplib::Response& res, const ErrorAnswer& error) {
  res.status = error.status;
  res.set_content(error.body, "application/json");
}

void SendAccepted(httplib::Response& res) {
  res.status = 202;
  res.set_content(R"({"status":"OK"})", "application/json");
}

void SendAnswer(const FunctionAnswer& answer, const httplib::Request& req,
                httplib::Response& res) {
  res.status = 200;
  res.set_header("X-Amz-Executed-Version", "$LATEST");
  if (answer.function_error) res.set_header("X-Amz-Function-Error", "Unhandled");
  if (req.get_header_value("X-Amz-Log-Type") == "Tail") {
    res.set_header("X-Amz-Log-Result", LogTailBase64(answer.log));
  }
  res.set_content(answer.body, "application/json");
}

// What the Invoke API does with a checked invocation before it runs.
enum class Admission { kStopping, kThrottled, kServerError, kFunctionError, kRun };

}  // namespace

class Emulator::Impl {
 public:
  explicit Impl(const EmulatorOptions& options)
      : options_(options),
        faults_(options.faults, options.seed),
        supervisor_(options),
        ids_(std::random_device{}()) {}

  Status Start();
  void Stop();
  int port() const { return port_; }
  std::string url() const {
    bool any = options_.host == "0.0.0.0" || options_.host == "::";
    return "http://" + (any ? std::string("127.0.0.1") : options_.host) + ":" +
           std::to_string(port_);
  }
  EmulatorStats stats() const;

 private:
  // The Runtime API of one instance, on a port of its own.
  struct RuntimeApi {
    std::unique_ptr<httplib::Server> server;
    int port = 0;
    std::thread thread;
  };

  Status Bind();
  void HandleInvoke(const httplib::Request& req, httplib::Response& res);
  Admission Admit(Fault fault);
  void Release(Fault fault, RunOutcome outcome);
  void NoteScope(const std::string& scope);
  void HandleNext(int instance, httplib::Response& res);
  void HandleAnswer(int instance, const httplib::Request& req, httplib::Response& res,
                    bool is_error);

  const EmulatorOptions options_;
  FaultDraw faults_;
  Supervisor supervisor_;
  httplib::Server invoke_;
  int port_ = 0;
  std::thread invoke_thread_;
  std::vector<RuntimeApi> runtimes_;  // one per instance, fixed once bound

  mutable std::mutex mutex_;
  bool stopping_ = false;              // guarded by mutex_
  std::mt19937_64 ids_;                // guarded by mutex_
  int in_flight_ = 0;                  // admitted, not answered; guarded by mutex_
  std::set<std::string> scopes_seen_;  // guarded by mutex_
  EmulatorStats stats_;                // the supervisor keeps the rest; guarded by mutex_
};

Status Emulator::Impl::Bind() {
  const int invoke_threads = 2 * options_.instances + 16;
  invoke_.new_task_queue = [invoke_threads] { return new httplib::ThreadPool(invoke_threads); };
  invoke_.Post(R"(/2015-03-31/functions/([^/]+)/invocations)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 HandleInvoke(req, res);
               });
  if (options_.port == 0) {
    port_ = invoke_.bind_to_any_port(options_.host);
  } else if (invoke_.bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  } else {
    port_ = -1;
  }
  if (port_ <= 0) {
    return Fail("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                " (in use, or not an address of this machine)");
  }

  for (int i = 0; i < options_.instances; ++i) {
    RuntimeApi& api = runtimes_.emplace_back();
    api.server = std::make_unique<httplib::Server>();
    httplib::Server& server = *api.server;
    server.new_task_queue = [] { return new httplib::ThreadPool(kRuntimeThreads); };
    server.Get("/2018-06-01/runtime/invocation/next",
               [this, i](const httplib::Request&, httplib::Response& res) { HandleNext(i, res); });
    server.Post(R"(/2018-06-01/runtime/invocation/([^/]+)/response)",
                [this, i](const httplib::Request& req, httplib::Response& res) {
                  HandleAnswer(i, req, res, false);
                });
    server.Post(R"(/2018-06-01/runtime/invocation/([^/]+)/error)",
                [this, i](const httplib::Request& req, httplib::Response& res) {
                  HandleAnswer(i, req, res, true);
                });
    server.Post("/2018-06-01/runtime/init/error",
                [this, i](const httplib::Request& req, httplib::Response& res) {
                  supervisor_.PostInitError(i, req.body);
                  SendAccepted(res);
                });
    api.port = server.bind_to_any_port("127.0.0.1");
    if (api.port <= 0) return Fail("cannot listen for instance " + std::to_string(i));
  }
  return Status::Ok();
}

Status Emulator::Impl::Start() {
  RUNGS_RETURN_IF_ERROR(Bind());
  // A command that cannot start at all is the user's mistake: say so now.
  if (!IsExecutable(options_.command[0])) {
    return Fail("instance command '" + options_.command[0] +
                "' is not an executable file (nor one on PATH)");
  }
  invoke_thread_ = std::thread([this] { invoke_.listen_after_bind(); });
  for (RuntimeApi& api : runtimes_) {
    httplib::Server* server = api.server.get();
    api.thread = std::thread([server] { server->listen_after_bind(); });
  }
  // Stop() only reaches a server that is already running.
  while (!invoke_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<int> runtime_ports;
  for (const RuntimeApi& api : runtimes_) {
    while (!api.server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    runtime_ports.push_back(api.port);
  }
  supervisor_.Start(runtime_ports);
  return Status::Ok();
}

void Emulator::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  // First, so that no handler still waits on it when the servers stop.
  supervisor_.Stop();
  if (invoke_thread_.joinable()) {
    invoke_.stop();
    invoke_thread_.join();
  }
  for (RuntimeApi& api : runtimes_) {
    if (api.thread.joinable()) {
      api.server->stop();
      api.thread.join();
    }
  }
}

EmulatorStats Emulator::Impl::stats() const {
  EmulatorStats stats;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats = stats_;
  }
  SupervisorStats instances = supervisor_.stats();
  stats.starts = instances.starts;
  stats.crashes = instances.crashes;
  stats.ready = instances.ready;
  return stats;
}

void Emulator::Impl::HandleInvoke(const httplib::Request& req, httplib::Response& res) {
  std::string request_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    request_id = NewRequestId(ids_);
  }
  res.set_header("x-amzn-RequestId", request_id);
  InvokeCheck check = CheckInvoke(InvokeRequestOf(req), options_.function_name, options_.region);
  if (check.refused) {
    if (check.refused->status == 403) {
      Notice(options_.quiet, "refused an unsigned invoke: " + check.refused->message);
    }
    return SendInvokeError(res, *check.refused);
  }

  const Fault fault = faults_.Next();
  NoteScope(check.scope);
  switch (Admit(fault)) {
    case Admission::kStopping:
      return SendInvokeError(res, ServiceErrorAnswer("The emulator is stopping."));
    case Admission::kThrottled:
      res.set_header("Retry-After", std::to_string(options_.retry_after_seconds));
      return SendInvokeError(res, TooManyRequestsAnswer());
    case Admission::kServerError:
      return SendInvokeError(
          res, ServiceErrorAnswer("An error occurred and the request cannot be processed."));
    case Admission::kFunctionError:
      return SendAnswer(InjectedFunctionError(request_id, options_.memory_mb), req, res);
    case Admission::kRun:
      break;
  }

  RunResult result = supervisor_.Run(
      {request_id, req.body, check.arn, LimitsFor(fault, options_.timeout_seconds)});
  Release(fault, result.outcome);
  if (result.outcome == RunOutcome::kStopped) {
    return SendInvokeError(
        res, ServiceErrorAnswer("The emulator stopped before the function answered."));
  }
  if (fault == Fault::kDrop) {
    // The job ran; its caller never hears of it.
    if (!DropConnection(port_, req.remote_addr, req.remote_port)) {
      Notice(options_.quiet, "could not find the connection to drop for " + request_id);
    }
    return;
  }
  SendAnswer(result.answer, req, res);
}

void Emulator::Impl::NoteScope(const std::string& scope) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (scopes_seen_.insert(scope).second) {
    Notice(options_.quiet,
           "invokes signed with " + scope + " (the emulator does not check signatures)");
  }
}

Admission Emulator::Impl::Admit(Fault fault) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.invocations;
  const bool before_running =
      fault == Fault::kThrottle || fault == Fault::kServerError || fault == Fault::kFunctionError;
  if (before_running) ++stats_.faults[static_cast<size_t>(fault)];
  if (stopping_) return Admission::kStopping;
  if (fault == Fault::kThrottle) return Admission::kThrottled;
  if (in_flight_ >= options_.instances) {
    ++stats_.throttled;
    return Admission::kThrottled;
  }
  if (fault == Fault::kServerError) return Admission::kServerError;
  if (fault == Fault::kFunctionError) return Admission::kFunctionError;
  ++in_flight_;
  return Admission::kRun;
}

void Emulator::Impl::Release(Fault fault, RunOutcome outcome) {
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
  if (outcome == RunOutcome::kAnswered) ++stats_.answered;
  if (outcome == RunOutcome::kTimedOut) {
    if (fault == Fault::kTimeout) ++stats_.faults[static_cast<size_t>(Fault::kTimeout)];
    else ++stats_.timeouts;
  }
  if (fault == Fault::kDrop && outcome != RunOutcome::kStopped) {
    ++stats_.faults[static_cast<size_t>(Fault::kDrop)];
  }
}

void Emulator::Impl::HandleNext(int instance, httplib::Response& res) {
  NextInvocation next = supervisor_.Next(instance);
  if (next.refused) return SendRuntimeError(res, *next.refused);
  // The deadline the instance is told is the function timeout's, whatever the fault.
  auto deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         (std::chrono::system_clock::now() +
                          std::chrono::duration<double>(options_.timeout_seconds))
                             .time_since_epoch())
                         .count();
  res.set_header("Lambda-Runtime-Aws-Request-Id", next.id);
  res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms));
  res.set_header("Lambda-Runtime-Invoked-Function-Arn", next.arn);
  res.set_header("Lambda-Runtime-Trace-Id", TraceHeader(next.id, std::time(nullptr)));
  res.set_content(next.payload, "application/json");
}

void Emulator::Impl::HandleAnswer(int instance, const httplib::Request& req,
                                  httplib::Response& res, bool is_error) {
  std::string body = req.body;
  if (is_error && body.empty()) {
    std::string type = req.get_header_value("Lambda-Runtime-Function-Error-Type");
    body = FunctionErrorJson(type.empty() ? "Runtime.Unknown" : type, "");
  }
  std::optional<ErrorAnswer> refused =
      supervisor_.PostAnswer(instance, req.matches[1], std::move(body), is_error);
  if (refused) return SendRuntimeError(res, *refused);
  SendAccepted(res);
}

Emulator::Emulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Emulator::~Emulator() { Stop(); }
void Emulator::Stop() { impl_->Stop(); }
int Emulator::port() const { return impl_->port(); }
std::string Emulator::url() const { return impl_->url(); }
EmulatorStats Emulator::stats() const { return impl_->stats(); }

Result<std::unique_ptr<Emulator>> Emulator::Start(const EmulatorOptions& options) {
  RUNGS_RETURN_IF_ERROR(options.Validate());
  auto impl = std::make_unique<Impl>(options);
  Status status = impl->Start();
  if (!status.ok()) {
    impl->Stop();
    return status.error();
  }
  return std::unique_ptr<Emulator>(new Emulator(std::move(impl)));
}

std::vector<std::string> DefaultWorkerCommand() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return {error ? std::string("rungs") : self.string(), "worker"};
}

}  // namespace rungs::emulate
