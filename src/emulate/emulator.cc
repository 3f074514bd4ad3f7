#include "emulate/emulator.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <thread>
#include <unordered_set>

#include "emulate/connection_drop.h"
#include "emulate/instance_process.h"
#include "emulate/lambda_text.h"

extern char** environ;

namespace rungs::emulate {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr size_t kMaxPayload = 6 * 1024 * 1024;  // Lambda's synchronous payload limit
constexpr size_t kKeptLog = 16 * 1024;           // per instance, between invocations
// A timeout fault kills the instance this soon after it takes the job (or at
// the real timeout, when that is sooner), so tests need not wait it out.
constexpr auto kTimeoutFaultDelay = std::chrono::milliseconds(200);
// An instance that ends before asking for work is started again after this.
constexpr auto kRestartDelay = std::chrono::seconds(1);
constexpr int kRuntimeThreads = 4;  // per instance: the long poll, a result, slack
constexpr const char* kAccount = "000000000000";

double Milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Invocation {
  std::string id;
  std::string payload;
  std::string arn;  // as invoked, with its qualifier
  Fault fault = Fault::kNone;
  Clock::time_point admitted;
  // Set once an instance takes it.
  int instance = -1;
  Clock::time_point dispatched;
  Clock::time_point deadline;
  double init_ms = -1;
  // Set once answered.
  bool done = false;
  bool function_error = false;
  std::string body;
  std::string log;
  std::condition_variable answered;
};

struct Instance {
  int index = 0;
  std::unique_ptr<httplib::Server> runtime;
  int runtime_port = 0;
  std::thread runtime_thread;
  std::thread supervisor;
  // The rest is guarded by Emulator::Impl::mutex_.
  InstanceProcess* process = nullptr;  // owned by the supervisor thread
  Clock::time_point started;
  bool initialized = false;  // has asked for an invocation since it started
  double init_ms = -1;       // reported with its first invocation
  std::shared_ptr<Invocation> current;
  uint64_t poll_ticket = 0;  // identifies the newest waiting `next`
  bool polling = false;      // a `next` waits and nobody has woken it yet
  std::string log;           // output since the last invocation ended
  std::condition_variable wake;
};

// The function an Invoke path names: "name", "name:qualifier", a partial ARN
// "123456789012:function:name[:qualifier]" or a full ARN.
struct FunctionRef {
  std::string name;
  std::string qualifier;
};

FunctionRef ParseFunctionRef(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  size_t at = 0;
  if (parts.size() >= 7 && parts[0] == "arn") at = 6;
  else if (parts.size() >= 3 && parts[1] == "function") at = 2;
  FunctionRef ref;
  if (at < parts.size()) ref.name = parts[at];
  if (at + 1 < parts.size()) ref.qualifier = parts[at + 1];
  if (at + 2 < parts.size()) ref.name.clear();  // too many parts: matches nothing
  return ref;
}

// Whether `program` names an executable file, directly or on PATH.
bool IsExecutable(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = std::min(dirs.find(':', start), dirs.size());
    std::string dir = dirs.substr(start, colon - start);
    if (access(((dir.empty() ? "." : dir) + "/" + program).c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

bool IsVersionNumber(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

void AwsError(httplib::Response& res, int status, const std::string& type, const json& body) {
  res.status = status;
  res.set_header("x-amzn-ErrorType", type);
  res.set_content(body.dump(), "application/json");
}

void RuntimeError(httplib::Response& res, int status, const std::string& type,
                  const std::string& message) {
  res.status = status;
  res.set_content(FunctionErrorJson(type, message), "application/json");
}

Status Validate(const EmulatorOptions& o) {
  static const std::regex kName("[A-Za-z0-9_-]{1,64}");
  static const std::regex kRegion("[a-z]{2}(-[a-z]+)+-[0-9]+");
  if (o.instances < 1 || o.instances > 10000) {
    return Fail("--instances must be in [1, 10000] (got " + std::to_string(o.instances) + ")");
  }
  if (o.memory_mb < 128 || o.memory_mb > 10240) {
    return Fail("--memory-mb must be in [128, 10240], as on Lambda (got " +
                std::to_string(o.memory_mb) + ")");
  }
  if (!(o.timeout_seconds > 0 && o.timeout_seconds <= 900)) {
    return Fail("--timeout must be in (0, 900] seconds, as on Lambda (got " +
                std::to_string(o.timeout_seconds) + ")");
  }
  if (!std::regex_match(o.function_name, kName)) {
    return Fail("--function must be 1 to 64 letters, digits, '-' or '_' (got '" +
                o.function_name + "')");
  }
  if (!std::regex_match(o.region, kRegion)) {
    return Fail("--region must look like us-east-1 (got '" + o.region + "')");
  }
  if (o.port < 0 || o.port > 65535) {
    return Fail("--port must be in [0, 65535] (got " + std::to_string(o.port) + ")");
  }
  if (o.retry_after_seconds < 0) return Fail("Retry-After must be >= 0 seconds");
  if (o.command.empty() || o.command[0].empty()) return Fail("no instance command");
  for (const std::string& variable : o.environment) {
    size_t equals = variable.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Fail("--env takes NAME=value (got '" + variable + "')");
    }
  }
  std::error_code error;
  if (!o.task_root.empty() && !std::filesystem::is_directory(o.task_root, error)) {
    return Fail("--task-root " + o.task_root.string() + " is not a directory");
  }
  return o.faults.Validate();
}

// What the Authorization header lacks to look like SigV4 for Lambda in
// `region` ("" when it looks right); sets `*scope` to "AKID/date/region/lambda".
std::string CheckAuthorization(const httplib::Request& req, const std::string& region,
                               std::string* scope) {
  if (!req.has_header("Authorization")) return "Missing Authentication Token";
  std::string auth = req.get_header_value("Authorization");
  static const std::regex kSigV4(
      R"(AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request,\s*SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]{64})");
  std::smatch m;
  if (!std::regex_match(auth, m, kSigV4)) {
    return "Authorization header is not AWS4-HMAC-SHA256 with Credential, SignedHeaders and "
           "Signature";
  }
  if (!req.has_header("X-Amz-Date")) return "X-Amz-Date header is missing";
  if (m[3] != region) {
    return "Credential should be scoped to a valid region, '" + region + "', not '" +
           m[3].str() + "'";
  }
  if (m[4] != "lambda") {
    return "Credential should be scoped to correct service: 'lambda', not '" + m[4].str() + "'";
  }
  *scope = m[1].str() + "/" + m[2].str() + "/" + m[3].str() + "/lambda";
  return "";
}

}  // namespace

class Emulator::Impl {
 public:
  explicit Impl(const EmulatorOptions& options)
      : options_(options), faults_(options.faults, options.seed), ids_(std::random_device{}()) {}

  Status Start();
  void Stop();
  int port() const { return port_; }
  std::string url() const {
    bool any = options_.host == "0.0.0.0" || options_.host == "::";
    return "http://" + (any ? std::string("127.0.0.1") : options_.host) + ":" +
           std::to_string(port_);
  }
  EmulatorStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    EmulatorStats stats = stats_;
    for (const auto& in : instances_) stats.ready += in->process != nullptr && in->initialized;
    return stats;
  }

 private:
  std::string FunctionArn(const std::string& qualifier) const {
    std::string arn = "arn:aws:lambda:" + options_.region + ":" + kAccount + ":function:" +
                      options_.function_name;
    return qualifier.empty() ? arn : arn + ":" + qualifier;
  }

  void HandleInvoke(const httplib::Request& req, httplib::Response& res);
  void Respond(const Invocation& invocation, const httplib::Request& req,
               httplib::Response& res) const;
  void WaitForAnswer(std::unique_lock<std::mutex>& lock, Invocation& invocation);
  void HandleNext(Instance& in, httplib::Response& res);
  void HandleResult(Instance& in, const httplib::Request& req, httplib::Response& res,
                    bool is_error);
  void HandleInitError(Instance& in, const httplib::Request& req, httplib::Response& res);
  void Supervise(Instance& in);

  // The rest require mutex_.
  void Enqueue(std::shared_ptr<Invocation> invocation);
  void Finish(Invocation& invocation, bool function_error, std::string body, bool timed_out);
  void TimeOut(Invocation& invocation);
  void Supersede(Instance& in);
  std::vector<std::string> EnvironmentFor(const Instance& in) const;
  bool SleepUnlessStopping(std::unique_lock<std::mutex>& lock, Clock::duration pause);

  void Notice(const std::string& text) const {
    if (!options_.quiet) std::fprintf(stderr, "rungs lambda emulate: %s\n", text.c_str());
  }
  void LogLines(const Instance& in, const std::string& lines) const;

  const EmulatorOptions options_;
  FaultDraw faults_;
  httplib::Server invoke_;
  int port_ = 0;
  std::thread invoke_thread_;
  std::vector<std::unique_ptr<Instance>> instances_;  // fixed once started

  mutable std::mutex mutex_;
  bool stopping_ = false;                        // guarded by mutex_
  bool started_ = false;                         // guarded by mutex_
  std::condition_variable stop_requested_;       // with mutex_
  std::mt19937_64 ids_;                          // guarded by mutex_
  std::deque<std::shared_ptr<Invocation>> queue_;  // admitted, not taken; guarded by mutex_
  std::unordered_set<Invocation*> waiting_;      // being waited for; guarded by mutex_
  int in_flight_ = 0;                            // admitted, not answered; guarded by mutex_
  std::set<std::string> scopes_seen_;            // guarded by mutex_
  EmulatorStats stats_;                          // guarded by mutex_
};

Status Emulator::Impl::Start() {
  RUNGS_RETURN_IF_ERROR(Validate(options_));
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
    auto in = std::make_unique<Instance>();
    in->index = i;
    in->runtime = std::make_unique<httplib::Server>();
    in->runtime->new_task_queue = [] { return new httplib::ThreadPool(kRuntimeThreads); };
    Instance* raw = in.get();
    in->runtime->Get("/2018-06-01/runtime/invocation/next",
                     [this, raw](const httplib::Request&, httplib::Response& res) {
                       HandleNext(*raw, res);
                     });
    in->runtime->Post(R"(/2018-06-01/runtime/invocation/([^/]+)/response)",
                      [this, raw](const httplib::Request& req, httplib::Response& res) {
                        HandleResult(*raw, req, res, false);
                      });
    in->runtime->Post(R"(/2018-06-01/runtime/invocation/([^/]+)/error)",
                      [this, raw](const httplib::Request& req, httplib::Response& res) {
                        HandleResult(*raw, req, res, true);
                      });
    in->runtime->Post("/2018-06-01/runtime/init/error",
                      [this, raw](const httplib::Request& req, httplib::Response& res) {
                        HandleInitError(*raw, req, res);
                      });
    in->runtime_port = in->runtime->bind_to_any_port("127.0.0.1");
    if (in->runtime_port <= 0) return Fail("cannot listen for instance " + std::to_string(i));
    instances_.push_back(std::move(in));
  }

  // A command that cannot start at all is the user's mistake: say so now.
  if (!IsExecutable(options_.command[0])) {
    return Fail("instance command '" + options_.command[0] +
                "' is not an executable file (nor one on PATH)");
  }

  invoke_thread_ = std::thread([this] { invoke_.listen_after_bind(); });
  for (auto& in : instances_) {
    Instance* raw = in.get();
    raw->runtime_thread = std::thread([raw] { raw->runtime->listen_after_bind(); });
  }
  // Stop() only reaches a server that is already running.
  while (!invoke_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (auto& in : instances_) {
    while (!in->runtime->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = true;
  }
  for (auto& in : instances_) {
    Instance* raw = in.get();
    raw->supervisor = std::thread([this, raw] { Supervise(*raw); });
  }
  return Status::Ok();
}

void Emulator::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& in : instances_) {
      Supersede(*in);
      if (in->process) in->process->Kill();
    }
    for (Invocation* invocation : waiting_) invocation->answered.notify_all();
    stop_requested_.notify_all();
  }
  if (invoke_thread_.joinable()) {
    invoke_.stop();
    invoke_thread_.join();
  }
  for (auto& in : instances_) {
    if (in->runtime_thread.joinable()) {
      in->runtime->stop();
      in->runtime_thread.join();
    }
  }
  for (auto& in : instances_) {
    if (in->supervisor.joinable()) in->supervisor.join();
  }
}

void Emulator::Impl::HandleInvoke(const httplib::Request& req, httplib::Response& res) {
  std::string request_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    request_id = NewRequestId(ids_);
  }
  res.set_header("x-amzn-RequestId", request_id);

  FunctionRef ref = ParseFunctionRef(req.matches[1]);
  std::string query_qualifier = req.get_param_value("Qualifier");
  if (!query_qualifier.empty() && !ref.qualifier.empty() && query_qualifier != ref.qualifier) {
    AwsError(res, 400, "InvalidParameterValueException",
             {{"Type", "User"},
              {"message", "The derived qualifier from the function name does not match the "
                          "specified qualifier."}});
    return;
  }
  std::string qualifier = ref.qualifier.empty() ? query_qualifier : ref.qualifier;
  // One function, $LATEST; any alias resolves to it, published versions do not exist.
  static const std::regex kAlias("[A-Za-z0-9_-]{1,128}");
  bool qualifier_ok = qualifier.empty() || qualifier == "$LATEST" ||
                      (!IsVersionNumber(qualifier) && std::regex_match(qualifier, kAlias));
  if (ref.name != options_.function_name || !qualifier_ok) {
    std::string shown = ref.name.empty() ? std::string(req.matches[1]) : ref.name;
    std::string arn = "arn:aws:lambda:" + options_.region + ":" + kAccount + ":function:" +
                      shown + (qualifier.empty() ? "" : ":" + qualifier);
    AwsError(res, 404, "ResourceNotFoundException",
             {{"Type", "User"}, {"Message", "Function not found: " + arn}});
    return;
  }

  std::string scope;
  std::string auth_problem = CheckAuthorization(req, options_.region, &scope);
  if (!auth_problem.empty()) {
    bool missing = !req.has_header("Authorization");
    Notice("refused an unsigned invoke: " + auth_problem);
    AwsError(res, 403,
             missing ? "MissingAuthenticationTokenException" : "IncompleteSignatureException",
             {{"message", auth_problem}});
    return;
  }
  std::string type = req.get_header_value("X-Amz-Invocation-Type");
  if (!type.empty() && type != "RequestResponse") {
    AwsError(res, 400, "InvalidParameterValueException",
             {{"Type", "User"},
              {"message", "this emulator serves RequestResponse invocations only (got '" +
                              type + "')"}});
    return;
  }
  if (req.body.size() > kMaxPayload) {
    AwsError(res, 413, "RequestTooLargeException",
             {{"Type", "User"},
              {"message", "Request must be smaller than " + std::to_string(kMaxPayload) +
                              " bytes for the InvokeFunction operation"}});
    return;
  }

  Fault fault = faults_.Next();
  std::unique_lock<std::mutex> lock(mutex_);
  if (scopes_seen_.insert(scope).second) {
    Notice("invokes signed with " + scope + " (the emulator does not check signatures)");
  }
  ++stats_.invocations;
  if (fault == Fault::kThrottle || fault == Fault::kServerError ||
      fault == Fault::kFunctionError) {
    ++stats_.faults[static_cast<size_t>(fault)];
  }
  if (stopping_) {
    AwsError(res, 500, "ServiceException",
             {{"Type", "Service"}, {"Message", "The emulator is stopping."}});
    return;
  }
  if (fault == Fault::kThrottle || in_flight_ >= options_.instances) {
    if (fault != Fault::kThrottle) ++stats_.throttled;
    res.set_header("Retry-After", std::to_string(options_.retry_after_seconds));
    AwsError(res, 429, "TooManyRequestsException",
             {{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"},
              {"Type", "User"},
              {"message", "Rate Exceeded."}});
    return;
  }
  if (fault == Fault::kServerError) {
    AwsError(res, 500, "ServiceException",
             {{"Type", "Service"},
              {"Message", "An error occurred and the request cannot be processed."}});
    return;
  }
  if (fault == Fault::kFunctionError) {
    Invocation injected;
    injected.id = request_id;
    injected.function_error = true;
    injected.body = FunctionErrorJson(
        "Rungs.InjectedFault", "RequestId: " + request_id + " Error: injected function error");
    injected.log = "START RequestId: " + request_id + " Version: $LATEST\nEND RequestId: " +
                   request_id + "\n" +
                   ReportLine({request_id, 0, options_.memory_mb, 0, -1, false}) + "\n";
    lock.unlock();
    Respond(injected, req, res);
    return;
  }

  auto invocation = std::make_shared<Invocation>();
  invocation->id = request_id;
  invocation->payload = req.body;
  invocation->arn = FunctionArn(qualifier);
  invocation->fault = fault;
  invocation->admitted = Clock::now();
  ++in_flight_;
  waiting_.insert(invocation.get());
  Enqueue(invocation);
  WaitForAnswer(lock, *invocation);
  waiting_.erase(invocation.get());
  if (!invocation->done) {
    AwsError(res, 500, "ServiceException",
             {{"Type", "Service"}, {"Message", "The emulator stopped before the function answered."}});
    return;
  }
  if (fault == Fault::kDrop) {
    ++stats_.faults[static_cast<size_t>(fault)];
    lock.unlock();
    // The job ran; its caller never hears of it.
    if (!DropConnection(port_, req.remote_addr, req.remote_port)) {
      Notice("could not find the connection to drop for " + request_id);
    }
    return;
  }
  lock.unlock();
  Respond(*invocation, req, res);
}

void Emulator::Impl::Respond(const Invocation& invocation, const httplib::Request& req,
                             httplib::Response& res) const {
  res.status = 200;
  res.set_header("X-Amz-Executed-Version", "$LATEST");
  if (invocation.function_error) res.set_header("X-Amz-Function-Error", "Unhandled");
  if (req.get_header_value("X-Amz-Log-Type") == "Tail") {
    res.set_header("X-Amz-Log-Result", LogTailBase64(invocation.log));
  }
  res.set_content(invocation.body, "application/json");
}

void Emulator::Impl::WaitForAnswer(std::unique_lock<std::mutex>& lock, Invocation& invocation) {
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.timeout_seconds));
  while (!invocation.done && !stopping_) {
    Clock::time_point limit =
        invocation.instance >= 0 ? invocation.deadline : invocation.admitted + timeout;
    if (Clock::now() >= limit) {
      TimeOut(invocation);
      return;
    }
    invocation.answered.wait_until(lock, limit);
  }
}

void Emulator::Impl::Enqueue(std::shared_ptr<Invocation> invocation) {
  queue_.push_back(std::move(invocation));
  for (auto& in : instances_) {
    if (in->polling) {
      in->polling = false;  // claimed: the next push wakes another instance
      in->wake.notify_all();
      return;
    }
  }
}

void Emulator::Impl::TimeOut(Invocation& invocation) {
  if (invocation.instance < 0) {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->get() == &invocation) {
        queue_.erase(it);
        break;
      }
    }
    Notice("no instance took " + invocation.id + " within the timeout");
  } else {
    if (invocation.fault == Fault::kTimeout) ++stats_.faults[static_cast<size_t>(Fault::kTimeout)];
    else ++stats_.timeouts;
  }
  Finish(invocation, true, TimeoutErrorJson(invocation.id, options_.timeout_seconds), true);
  if (invocation.instance >= 0) {
    Instance& in = *instances_[static_cast<size_t>(invocation.instance)];
    if (in.current.get() == &invocation) in.current.reset();
    // As on Lambda, a timed-out instance is not reused: it is killed, and started again.
    if (in.process) in.process->Kill();
  }
}

void Emulator::Impl::Finish(Invocation& invocation, bool function_error, std::string body,
                            bool timed_out) {
  invocation.done = true;
  invocation.function_error = function_error;
  invocation.body = std::move(body);
  --in_flight_;
  ReportFields report{invocation.id, 0, options_.memory_mb, 0, invocation.init_ms, timed_out};
  std::string log;
  if (invocation.instance >= 0) {
    Instance& in = *instances_[static_cast<size_t>(invocation.instance)];
    report.duration_ms = timed_out ? options_.timeout_seconds * 1000
                                   : Milliseconds(Clock::now() - invocation.dispatched);
    if (in.process) report.max_memory_used_mb = in.process->PeakMemoryMb();
    log = std::move(in.log);
    in.log.clear();
    if (!timed_out) ++stats_.answered;
  } else {
    report.duration_ms = options_.timeout_seconds * 1000;
    log = "START RequestId: " + invocation.id + " Version: $LATEST\n";
  }
  std::string tail = "END RequestId: " + invocation.id + "\n" + ReportLine(report) + "\n";
  log += tail;
  invocation.log = std::move(log);
  if (timed_out) {
    tail += json::parse(invocation.body).value("errorMessage", "") + "\n";
  }
  if (invocation.instance >= 0) LogLines(*instances_[static_cast<size_t>(invocation.instance)], tail);
  else if (!options_.quiet) std::fprintf(stderr, "%s", tail.c_str());
  invocation.answered.notify_all();
}

void Emulator::Impl::Supersede(Instance& in) {
  ++in.poll_ticket;
  in.polling = false;
  in.wake.notify_all();
}

void Emulator::Impl::HandleNext(Instance& in, httplib::Response& res) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (in.current) {
    RuntimeError(res, 400, "InvalidStateTransition",
                 "invocation " + in.current->id + " has not been answered yet");
    return;
  }
  if (!in.initialized) {
    in.initialized = true;
    in.init_ms = Milliseconds(Clock::now() - in.started);
  }
  const uint64_t ticket = ++in.poll_ticket;
  while (true) {
    if (stopping_ || in.poll_ticket != ticket) {
      // The emulator is stopping, or the process that asked is gone.
      RuntimeError(res, 500, "Runtime.Unavailable", "no more invocations for this request");
      return;
    }
    if (!queue_.empty()) break;
    in.polling = true;
    in.wake.wait(lock, [&] { return !in.polling || stopping_ || in.poll_ticket != ticket; });
  }
  std::shared_ptr<Invocation> invocation = queue_.front();
  queue_.pop_front();
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.timeout_seconds));
  invocation->instance = in.index;
  invocation->dispatched = Clock::now();
  invocation->deadline =
      invocation->dispatched +
      (invocation->fault == Fault::kTimeout ? std::min<Clock::duration>(timeout, kTimeoutFaultDelay)
                                            : timeout);
  invocation->init_ms = in.init_ms;
  in.init_ms = -1;
  in.current = invocation;
  std::string start = "START RequestId: " + invocation->id + " Version: $LATEST\n";
  in.log += start;
  invocation->answered.notify_all();  // its waiter now waits for the deadline
  lock.unlock();
  LogLines(in, start);

  auto deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         (std::chrono::system_clock::now() + timeout).time_since_epoch())
                         .count();
  res.set_header("Lambda-Runtime-Aws-Request-Id", invocation->id);
  res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms));
  res.set_header("Lambda-Runtime-Invoked-Function-Arn", invocation->arn);
  res.set_header("Lambda-Runtime-Trace-Id", TraceHeader(invocation->id, std::time(nullptr)));
  res.set_content(invocation->payload, "application/json");
}

void Emulator::Impl::HandleResult(Instance& in, const httplib::Request& req,
                                  httplib::Response& res, bool is_error) {
  std::string id = req.matches[1];
  std::unique_lock<std::mutex> lock(mutex_);
  if (!in.current || in.current->id != id) {
    RuntimeError(res, 400, "InvalidRequestID",
                 "this instance holds no invocation with request id '" + id + "'");
    return;
  }
  if (in.current->fault == Fault::kTimeout) {
    // Doomed to miss its deadline: the answer is held until the deadline
    // passes and the instance is killed, as if it had come too late.
    std::shared_ptr<Invocation> doomed = in.current;
    doomed->answered.wait(lock, [&] { return doomed->done || stopping_; });
    RuntimeError(res, 410, "Sandbox.Timedout", "the invocation timed out");
    return;
  }
  std::shared_ptr<Invocation> invocation = std::move(in.current);
  in.current.reset();
  if (req.body.size() > kMaxPayload) {
    char message[160];
    std::snprintf(message, sizeof(message),
                  "Response payload size exceeded maximum allowed payload size (%zu bytes).",
                  kMaxPayload);
    Finish(*invocation, true, FunctionErrorJson("Function.ResponseSizeTooLarge", message), false);
    RuntimeError(res, 413, "RequestEntityTooLarge", message);
    return;
  }
  std::string body = req.body;
  if (is_error && body.empty()) {
    std::string type = req.get_header_value("Lambda-Runtime-Function-Error-Type");
    body = FunctionErrorJson(type.empty() ? "Runtime.Unknown" : type, "");
  }
  Finish(*invocation, is_error, std::move(body), false);
  res.status = 202;
  res.set_content(R"({"status":"OK"})", "application/json");
}

void Emulator::Impl::HandleInitError(Instance& in, const httplib::Request& req,
                                     httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mutex_);
  Notice("instance " + std::to_string(in.index) + " failed to start: " + req.body);
  res.status = 202;
  res.set_content(R"({"status":"OK"})", "application/json");
  // Lambda discards an environment whose init failed; so does the emulator.
  if (in.process) in.process->Kill();
}

std::vector<std::string> Emulator::Impl::EnvironmentFor(const Instance& in) const {
  std::vector<std::string> env;
  // The caller's AWS credentials and settings pass through, as a function's
  // execution role would provide them; what Lambda itself sets is replaced.
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string variable = *entry;
    bool aws = variable.rfind("AWS_", 0) == 0 && variable.rfind("AWS_LAMBDA_", 0) != 0 &&
               variable.rfind("AWS_REGION=", 0) != 0 &&
               variable.rfind("AWS_DEFAULT_REGION=", 0) != 0;
    bool system = variable.rfind("PATH=", 0) == 0 || variable.rfind("LD_LIBRARY_PATH=", 0) == 0;
    if (aws || system) env.push_back(variable);
  }
  std::filesystem::path root =
      options_.task_root.empty() ? std::filesystem::current_path() : options_.task_root;
  char date[16];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y/%m/%d", std::gmtime(&now));
  env.insert(env.end(),
             {"AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(in.runtime_port),
              "AWS_LAMBDA_FUNCTION_NAME=" + options_.function_name,
              "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + std::to_string(options_.memory_mb),
              "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
              "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + options_.function_name,
              "AWS_LAMBDA_LOG_STREAM_NAME=" + std::string(date) + "/[$LATEST]instance" +
                  std::to_string(in.index),
              "AWS_REGION=" + options_.region, "AWS_DEFAULT_REGION=" + options_.region,
              "LAMBDA_TASK_ROOT=" + root.string(), "_HANDLER=bootstrap", "TZ=:UTC"});
  env.insert(env.end(), options_.environment.begin(), options_.environment.end());
  return env;
}

bool Emulator::Impl::SleepUnlessStopping(std::unique_lock<std::mutex>& lock,
                                         Clock::duration pause) {
  return !stop_requested_.wait_for(lock, pause, [this] { return stopping_; });
}

void Emulator::Impl::LogLines(const Instance& in, const std::string& lines) const {
  if (options_.quiet || lines.empty()) return;
  std::string prefixed;
  size_t start = 0;
  while (start < lines.size()) {
    size_t end = lines.find('\n', start);
    if (end == std::string::npos) end = lines.size();
    prefixed += "[" + options_.function_name + " " + std::to_string(in.index) + "] " +
                lines.substr(start, end - start) + "\n";
    start = end + 1;
  }
  std::fprintf(stderr, "%s", prefixed.c_str());
}

void Emulator::Impl::Supervise(Instance& in) {
  std::filesystem::path root =
      options_.task_root.empty() ? std::filesystem::current_path() : options_.task_root;
  while (true) {
    std::unique_ptr<InstanceProcess> process;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stopping_) return;
      // Spawned under the lock, so the instance is registered before it can ask for work.
      Result<std::unique_ptr<InstanceProcess>> spawned =
          InstanceProcess::Spawn(options_.command, EnvironmentFor(in), root);
      if (!spawned.ok()) {
        Notice(spawned.message());
        SleepUnlessStopping(lock, kRestartDelay);
        continue;
      }
      process = std::move(*spawned);
      in.process = process.get();
      in.started = Clock::now();
      in.initialized = false;
      in.init_ms = -1;
      ++stats_.starts;
    }

    // Collect its log, a line at a time, until it ends.
    std::string partial;
    auto take = [&](const std::string& text) {
      partial += text;
      size_t last = partial.rfind('\n');
      if (last == std::string::npos) return;
      std::string lines = partial.substr(0, last + 1);
      partial.erase(0, last + 1);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        in.log += lines;
        if (in.log.size() > kKeptLog) in.log.erase(0, in.log.size() - kKeptLog);
      }
      LogLines(in, lines);
    };
    bool ended = false;
    std::optional<int> status;
    while (!ended && !(status = process->Exited())) {
      take(process->ReadLog(std::chrono::milliseconds(50), &ended));
    }
    if (!status) status = process->WaitExit();
    process->Kill();  // what is left of its group
    for (int i = 0; i < 20 && !ended; ++i) take(process->ReadLog(std::chrono::milliseconds(50), &ended));
    if (!partial.empty()) take("\n");

    bool died_in_init;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Supersede(in);  // a `next` still waiting came from the process that is gone
      if (in.current) {
        ++stats_.crashes;
        std::shared_ptr<Invocation> invocation = std::move(in.current);
        in.current.reset();
        Finish(*invocation, true, ExitErrorJson(invocation->id, DescribeExit(*status)), false);
      }
      in.process = nullptr;
      died_in_init = !in.initialized && !stopping_;
      if (died_in_init) {
        Notice("instance " + std::to_string(in.index) + " ended before asking for an invocation (" +
               DescribeExit(*status) + "); starting it again in 1 s");
      } else if (!stopping_) {
        Notice("instance " + std::to_string(in.index) + " ended (" + DescribeExit(*status) +
               "); starting it again");
      }
    }
    process->Reap();
    process.reset();
    if (died_in_init) {
      std::unique_lock<std::mutex> lock(mutex_);
      SleepUnlessStopping(lock, kRestartDelay);
    }
  }
}

Emulator::Emulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Emulator::~Emulator() { Stop(); }
void Emulator::Stop() { impl_->Stop(); }
int Emulator::port() const { return impl_->port(); }
std::string Emulator::url() const { return impl_->url(); }
EmulatorStats Emulator::stats() const { return impl_->stats(); }

Result<std::unique_ptr<Emulator>> Emulator::Start(const EmulatorOptions& options) {
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
