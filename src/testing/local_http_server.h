// Test helper: a tiny HTTP/1.1 server on 127.0.0.1 (a free port) serving
// canned responses from a thread, one connection at a time, each closed
// after its response. Routes can answer with any status, redirect, send a
// short body, or stall. Routes are set before Start.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace rungs::testing {

struct CannedResponse {
  int status = 200;
  std::string body;
  std::string location;  // Sent as a Location header when set.
  // Content-Length claims the whole body, but only this many bytes are sent
  // before closing (negative: all).
  long send_bytes = -1;
  // Before the body, wait this long (headers already sent).
  std::chrono::milliseconds stall{0};
  // Sent as an ETag header when set; a request whose If-None-Match names it
  // gets 304 Not Modified and no body.
  std::string etag;
};

class LocalHttpServer {
 public:
  LocalHttpServer() = default;
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;
  ~LocalHttpServer() { Stop(); }

  // May be called while serving (a test changing what a URL holds).
  void Route(const std::string& path, CannedResponse response) {
    std::lock_guard<std::mutex> lock(mu_);
    routes_[path] = response;
  }

  // Listens on a free port and serves until Stop. False when it cannot.
  bool Start() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return false;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
    return true;
  }

  // Closes the port: later connections are refused.
  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) close(listener_);
    listener_ = -1;
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 20) <= 0) continue;
      int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      Answer(connection);
      close(connection);
    }
  }

  void Answer(int connection) {
    std::string request;
    char block[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t got = recv(connection, block, sizeof(block), 0);
      if (got <= 0) return;
      request.append(block, static_cast<size_t>(got));
    }
    ++requests_;
    size_t path_start = request.find(' ') + 1;
    std::string path = request.substr(path_start, request.find(' ', path_start) - path_start);
    CannedResponse response{404, "no"};
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto route = routes_.find(path); route != routes_.end()) response = route->second;
    }
    if (!response.etag.empty() &&
        request.find("\r\nIf-None-Match: " + response.etag + "\r\n") != std::string::npos) {
      response.status = 304;
      response.body.clear();
    }
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " Canned\r\n" +
                       "Content-Length: " + std::to_string(response.body.size()) + "\r\n" +
                       "Connection: close\r\n";
    if (!response.location.empty()) head += "Location: " + response.location + "\r\n";
    if (!response.etag.empty()) head += "ETag: " + response.etag + "\r\n";
    SendAll(connection, head + "\r\n");
    auto stall_end = std::chrono::steady_clock::now() + response.stall;
    while (!stopping_ && std::chrono::steady_clock::now() < stall_end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    size_t count = response.send_bytes < 0 ? response.body.size()
                                           : static_cast<size_t>(response.send_bytes);
    SendAll(connection, response.body.substr(0, count));
  }

  static void SendAll(int connection, const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t put = send(connection, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (put <= 0) return;
      sent += static_cast<size_t>(put);
    }
  }

  std::mutex mu_;
  std::map<std::string, CannedResponse> routes_;  // GUARDED_BY(mu_)
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
};

}  // namespace rungs::testing
