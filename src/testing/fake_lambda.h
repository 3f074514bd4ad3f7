// Test helper: a local Lambda Invoke endpoint (cpp-httplib on 127.0.0.1, a
// free port). It checks each request the way Lambda would see it (function,
// qualifier, a SigV4 signature for kFakeAccessKey in kFakeRegion, session
// token, log type, a job envelope that parses), answers with the job's
// result and a REPORT log line billing `billed_ms` at `memory_mb`, and
// injects the faults Lambda and the network produce where a test plans them.
// Set the public members and plans before the first request.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "job/envelope.h"
#include "job/job_json.h"

namespace rungs::testing {

inline constexpr char kFakeAccessKey[] = "AKIDTEST";
inline constexpr char kFakeRegion[] = "us-test-1";

// How long a kSlow answer takes: longer than the read timeouts tests give
// the executor (1.5 s), with room for a loaded machine.
inline constexpr std::chrono::milliseconds kSlowAnswer{2500};

// What the endpoint does with one request.
enum class LambdaFault {
  kNone,
  k429,            // throttled, with Retry-After
  k500,            // service error
  kDrop,           // connection closed, no answer
  kFunctionError,  // the function failed (X-Amz-Function-Error)
  kSlow,           // answers after kSlowAnswer
  kWrongJob,       // answers with another job's result
  kNoLog,          // no log tail, so no REPORT line
};

class FakeLambda {
 public:
  // Expects requests for `qualifier` (empty: none, $LATEST).
  explicit FakeLambda(std::string qualifier = "") : qualifier(std::move(qualifier)) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.Post(R"(/2015-03-31/functions/([^/]+)/invocations)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   Serve(req, res);
                   Handled(req);
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    RaiseListenBacklog(port_);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() does nothing until the server runs, so wait for that.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  FakeLambda(const FakeLambda&) = delete;
  FakeLambda& operator=(const FakeLambda&) = delete;
  ~FakeLambda() {
    server_.stop();
    thread_.join();
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // `faults[n]` is what the (n+1)-th request for `job` gets; later ones succeed.
  void Plan(uint64_t job, std::vector<LambdaFault> faults) { plan_[job] = std::move(faults); }
  // At most `n` requests per connection (1: a fresh connection each).
  void KeepAliveMax(size_t n) { server_.set_keep_alive_max_count(n); }

  // Requests received for `job`.
  int requests(uint64_t job) {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_[job];
  }
  // Every envelope received, in order.
  std::vector<job::JobEnvelope> envelopes() {
    std::lock_guard<std::mutex> lock(mu_);
    return envelopes_;
  }
  // What was wrong with the requests; empty when all were as Lambda wants.
  std::vector<std::string> problems() {
    std::lock_guard<std::mutex> lock(mu_);
    return problems_;
  }
  // Distinct client ports seen: how many connections were made.
  size_t client_ports() {
    std::lock_guard<std::mutex> lock(mu_);
    return ports_.size();
  }
  // Waits until `n` requests for `job` were handled (their answers are
  // then on their way); false if that takes longer than a minute.
  bool WaitHandled(uint64_t job, int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return handled_cv_.wait_for(lock, std::chrono::minutes(1), [&] { return handled_[job] >= n; });
  }

  const std::string qualifier;
  std::string function = "rungs-fn";
  std::string session_token;  // empty: none expected
  int billed_ms = 123;
  int memory_mb = 2048;
  // The metric a job scores.
  std::function<double(const job::JobEnvelope&)> metric = [](const job::JobEnvelope& e) {
    return 0.5 + static_cast<double>(e.job.id) / 1000;
  };

 private:
  // Closes the connection a request came in on, so no response is ever
  // sent: the handler has no socket, so find it by the client's port.
  static void DropConnection(const httplib::Request& req) {
    for (int fd = 3; fd < 4096; ++fd) {
      sockaddr_in peer{};
      socklen_t length = sizeof peer;
      if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0 ||
          peer.sin_family != AF_INET) {
        continue;
      }
      if (ntohs(peer.sin_port) == req.remote_port) shutdown(fd, SHUT_RDWR);
    }
  }

  // cpp-httplib listens with a backlog of 5, so a burst of connections (50
  // at once) would see SYNs dropped and retried a second later, past the
  // tests' timeouts. Listening again on the same socket raises the backlog.
  static void RaiseListenBacklog(int port) {
    for (int fd = 3; fd < 4096; ++fd) {
      sockaddr_in self{};
      socklen_t length = sizeof self;
      int listening = 0;
      socklen_t size = sizeof listening;
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&self), &length) != 0 ||
          self.sin_family != AF_INET) {
        continue;
      }
      if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || !listening) continue;
      if (ntohs(self.sin_port) == port) listen(fd, 1024);
    }
  }

  void Problem(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    problems_.push_back(what);
  }

  void Handled(const httplib::Request& req) {
    const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("job") || !body["job"].is_number_unsigned()) return;
    std::lock_guard<std::mutex> lock(mu_);
    ++handled_[body["job"].get<uint64_t>()];
    handled_cv_.notify_all();
  }

  void CheckRequest(const httplib::Request& req) {
    if (req.matches[1] != function) Problem("function " + std::string(req.matches[1]));
    if (req.get_param_value("Qualifier") != qualifier) {
      Problem("qualifier '" + req.get_param_value("Qualifier") + "'");
    }
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind(std::string("AWS4-HMAC-SHA256 Credential=") + kFakeAccessKey + "/", 0) != 0 ||
        auth.find(std::string("/") + kFakeRegion + "/lambda/aws4_request") == std::string::npos ||
        auth.find("Signature=") == std::string::npos) {
      Problem("authorization " + auth);
    }
    if (req.get_header_value("X-Amz-Security-Token") != session_token) {
      Problem("security token '" + req.get_header_value("X-Amz-Security-Token") + "'");
    }
    if (req.get_header_value("X-Amz-Log-Type") != "Tail") Problem("log type");
  }

  void Serve(const httplib::Request& req, httplib::Response& res) {
    CheckRequest(req);
    Result<nlohmann::json> json = job::ParseJson(req.body, "request");
    Result<job::JobEnvelope> envelope =
        json.ok() ? job::EnvelopeFromJson(*json, "request") : Result<job::JobEnvelope>(json.error());
    if (!envelope.ok()) {
      Problem(envelope.message());
      res.status = 400;
      return;
    }
    const job::Job& job = envelope->job;
    LambdaFault fault = LambdaFault::kNone;
    {
      std::lock_guard<std::mutex> lock(mu_);
      envelopes_.push_back(*envelope);
      const int n = seen_[job.id]++;
      ports_.insert(req.remote_port);
      auto it = plan_.find(job.id);
      if (it != plan_.end() && n < static_cast<int>(it->second.size())) fault = it->second[n];
    }
    job::JobResult result;
    result.job = job.id;
    result.trial = job.trial;
    result.rung = job.rung;
    result.metric = metric(*envelope);
    result.epochs_trained = job.epochs_to - job.epochs_from;
    result.seconds = 0.01;
    const std::string id = "r-" + std::to_string(job.id);
    const std::string log = "START RequestId: " + id + "\nREPORT RequestId: " + id +
                            "\tDuration: 122.40 ms\tBilled Duration: " +
                            std::to_string(billed_ms) + " ms\tMemory Size: " +
                            std::to_string(memory_mb) + " MB\tMax Memory Used: 90 MB\n";
    if (fault != LambdaFault::kNoLog) res.set_header("X-Amz-Log-Result", Base64Encode(log));
    switch (fault) {
      case LambdaFault::k429:
        res.status = 429;
        res.set_header("X-Amzn-ErrorType", "TooManyRequestsException");
        res.set_header("Retry-After", "0.05");
        res.set_content(R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded",)"
                        R"("Type":"User","message":"Rate Exceeded."})",
                        "application/json");
        return;
      case LambdaFault::k500:
        res.status = 500;
        res.set_header("X-Amzn-ErrorType", "ServiceException");
        res.set_content(R"({"Type":"Service","message":"internal"})", "application/json");
        return;
      case LambdaFault::kDrop:
        DropConnection(req);
        return;
      case LambdaFault::kFunctionError:
        res.set_header("X-Amz-Function-Error", "Unhandled");
        res.set_content(
            R"({"errorMessage":"out of memory in dictionary","errorType":"Runtime.OutOfMemory"})",
            "application/json");
        return;
      case LambdaFault::kSlow:
        std::this_thread::sleep_for(kSlowAnswer);
        break;
      case LambdaFault::kWrongJob:
        result.job = job.id + 1000;
        break;
      case LambdaFault::kNone:
      case LambdaFault::kNoLog:
        break;
    }
    res.set_content(job::ResultToJson(result).dump(), "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::map<uint64_t, std::vector<LambdaFault>> plan_;  // set before requests
  std::mutex mu_;
  std::condition_variable handled_cv_;
  std::map<uint64_t, int> seen_;             // guarded by mu_
  std::map<uint64_t, int> handled_;          // guarded by mu_
  std::set<int> ports_;                      // guarded by mu_
  std::vector<job::JobEnvelope> envelopes_;  // guarded by mu_
  std::vector<std::string> problems_;        // guarded by mu_
};

}  // namespace rungs::testing
