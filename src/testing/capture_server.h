// Test helper: an HTTP server on 127.0.0.1 (a free port) that records every
// request as it arrived (method, raw target, headers, body) and answers
// through a handler the test gives.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rungs::testing {

struct CapturedRequest {
  std::string method;
  std::string target;  // Path and query exactly as sent, still percent-encoded.
  httplib::Headers headers;  // Names compared case-insensitively.
  std::string body;

  // The value of header `name`, or empty.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class CaptureServer {
 public:
  using Handler = std::function<void(const CapturedRequest&, httplib::Response&)>;

  // Without a handler every request gets an empty 200.
  explicit CaptureServer(Handler handler = {}) : handler_(std::move(handler)) {
    auto record = [this](const httplib::Request& request, httplib::Response& response) {
      CapturedRequest captured{request.method, request.target, request.headers, request.body};
      // cpp-httplib adds these to the headers it received; they were not sent.
      for (const char* added : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
        captured.headers.erase(added);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(captured);
      }
      if (handler_) handler_(captured, response);
    };
    server_.Get(".*", record);
    server_.Post(".*", record);
    server_.Put(".*", record);
  }
  CaptureServer(const CaptureServer&) = delete;
  CaptureServer& operator=(const CaptureServer&) = delete;
  ~CaptureServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Listens on a free port. False when it cannot.
  bool Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the loop runs would be lost and the join would hang.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return true;
  }

  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<CapturedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  Handler handler_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<CapturedRequest> requests_;  // Guarded by mutex_.
};

}  // namespace rungs::testing
