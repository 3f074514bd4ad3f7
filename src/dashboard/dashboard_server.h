// DashboardServer: the live dashboard of one or more experiments over HTTP
// (cpp-httplib): one self-contained page; a snapshot of the experiments'
// state (counters, rung ladder, best trial, events) and then what each poll
// of their journals brought, pushed to it as server-sent events; their
// charts drawn by the report's code (report/html_report.h); their trials
// table a sorted, filtered page at a time; their best.bin/best.toml; steering
// requests (evolve now, stop, extend the budget) posted to the journals'
// request inbox (store/request_inbox.h). doc/dashboard.md describes the
// endpoints.
//
// Security: it listens on loopback unless told otherwise (allow_remote);
// every POST needs the token (printed in the URL at start), GETs do not;
// request bodies are size-limited; it serves no file by path, only the
// named outputs (kServedFiles) of the experiments given.
// It keeps the journals parsed (dashboard/experiment_feed.h), no row as text.
// Thread-safe: a poller thread tails the journals, httplib's threads serve.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace rungs::dashboard {

struct DashboardOptions {
  std::string host = "127.0.0.1";
  int port = 0;               // 0: any free port
  bool allow_remote = false;  // needed to listen on a non-loopback address
  std::string token;          // empty: a random one
  double poll_seconds = 0.2;  // how often the journals are checked for commits
  double keepalive_seconds = 15;  // an SSE comment when nothing happened
  size_t max_body_bytes = 4096;
  int threads = 96;           // connections served at once (each event stream holds one)
  double steer_wait_seconds = 2;  // how long a steering POST waits for the run's answer
};

class DashboardServer {
 public:
  // Binds, reads what the journals hold so far, and serves in the
  // background. Fails on a bad address, a port in use, or a non-loopback
  // host without allow_remote.
  static Result<std::unique_ptr<DashboardServer>> Start(const std::vector<std::string>& experiments,
                                                        const DashboardOptions& options);
  ~DashboardServer();  // stops

  // http://host:port/?token=...: the page with steering on.
  std::string url() const;
  int port() const;
  const std::string& token() const;
  // Event streams open now (tests check none is left behind).
  size_t open_streams() const;
  void Stop();

  class Impl;

 private:
  explicit DashboardServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads ADDR as the flags give it: "HOST", "HOST:PORT", ":PORT" or
// "[IPv6]:PORT" into options.host and options.port; fails naming it.
Status ParseAddress(const std::string& address, DashboardOptions& options);

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(const std::string& host);

}  // namespace rungs::dashboard
