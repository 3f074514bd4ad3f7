#include "dashboard/dashboard_server.h"

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "dashboard/dashboard_page.h"
#include "dashboard/experiment_feed.h"
#include "driver/run_budget.h"
#include "report/html_report.h"
#include "store/request_inbox.h"

namespace rungs::dashboard {
namespace {

// Rows per server-sent event: a page catching up on a long run gets them
// in few events, a live one gets each commit's rows at once. The page takes
// a full event (5000 rows) as "more are queued" and draws once caught up.
constexpr size_t kRowsPerEvent = 5000;

std::string RandomToken() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", unsigned(device()));
    token += part;
  }
  return token;
}

// Compares in time independent of where they differ.
bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// A whole non-negative decimal number, or nothing.
std::optional<size_t> Count(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + size_t(c - '0');
  }
  return n;
}

void Reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void Refuse(httplib::Response& res, int status, const std::string& why) {
  Reply(res, status, {{"error", why}});
}

// What the run made of request `id` in `journal`, waiting up to `seconds`
// for it to take it (it looks every 0.2 s while it runs); none when no run
// did.
Result<std::optional<std::string>> AwaitOutcome(const std::string& journal, int64_t id,
                                                double seconds) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (true) {
    Result<std::optional<std::string>> outcome = store::RequestOutcome(journal, id);
    if (!outcome.ok() || *outcome || std::chrono::steady_clock::now() >= deadline) return outcome;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

Status ParseAddress(const std::string& address, DashboardOptions& options) {
  std::string host = address, port;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos) return Fail("address '" + address + "': no closing ']'");
    host = address.substr(1, close - 1);
    if (close + 1 < address.size()) {
      if (address[close + 1] != ':') return Fail("address '" + address + "': ':' expected after ']'");
      port = address.substr(close + 2);
    }
  } else if (size_t colon = address.rfind(':'); colon != std::string::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (!host.empty()) options.host = host;
  if (address.find(':') != std::string::npos) {
    std::optional<size_t> number = Count(port);
    if (!number || *number > 65535) {
      return Fail("address '" + address + "': the port must be a number up to 65535");
    }
    options.port = int(*number);
  }
  return Status::Ok();
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 &&
         (ntohl(address.s_addr) >> 24) == 127;
}

class DashboardServer::Impl {
 public:
  explicit Impl(DashboardOptions options) : options_(std::move(options)) {}

  Status Start(const std::vector<std::string>& experiments) {
    for (const std::string& path : experiments) {
      if (!std::filesystem::exists(path)) return Fail(path + ": no such experiment folder or journal");
      feeds_.push_back(std::make_unique<ExperimentFeed>(path, int(feeds_.size())));
    }
    errors_.resize(feeds_.size());
    PollAll();
    Route();
    http_.set_payload_max_length(options_.max_body_bytes);
    int threads = options_.threads;
    http_.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    if (options_.port == 0) {
      port_ = http_.bind_to_any_port(options_.host);
      if (port_ < 0) return Fail("cannot listen on " + options_.host);
    } else {
      if (!http_.bind_to_port(options_.host, options_.port)) {
        return Fail("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                    " (in use, or not an address of this machine)");
      }
      port_ = options_.port;
    }
    listener_ = std::thread([this] { http_.listen_after_bind(); });
    // httplib's stop() does nothing before the server runs: wait for it.
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    poller_ = std::thread([this] { PollUntilStopped(); });
    return Status::Ok();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    changed_.notify_all();
    http_.stop();
    if (listener_.joinable()) listener_.join();
    if (poller_.joinable()) poller_.join();
  }

  std::string Url() const {
    std::string host = options_.host.find(':') != std::string::npos ? "[" + options_.host + "]"
                                                                     : options_.host;
    return "http://" + host + ":" + std::to_string(port_) + "/?token=" + options_.token;
  }
  int port() const { return port_; }
  const std::string& token() const { return options_.token; }
  size_t open_streams() const { return streams_.load(); }

 private:
  // Reads every journal's new commits; wakes the event streams when rows came.
  void PollAll() {
    std::lock_guard<std::mutex> lock(mu_);
    size_t before = rows_.size();
    for (size_t i = 0; i < feeds_.size(); ++i) {
      Status status = feeds_[i]->Poll(rows_);
      errors_[i] = status.ok() ? "" : status.message();
    }
    if (rows_.size() > before) changed_.notify_all();
  }

  void PollUntilStopped() {
    auto interval = std::chrono::duration<double>(options_.poll_seconds);
    std::unique_lock<std::mutex> lock(mu_);
    while (!changed_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      PollAll();
      lock.lock();
    }
  }

  // The experiment named by the request's `x`, or a 4xx reply.
  ExperimentFeed* FeedOf(const httplib::Request& req, httplib::Response& res) {
    std::optional<size_t> x = Count(req.get_param_value("x"));
    if (!x) {
      Refuse(res, 400, "parameter x (the experiment's number) is missing or not a number");
      return nullptr;
    }
    if (*x >= feeds_.size()) {
      Refuse(res, 404, "no experiment " + std::to_string(*x));
      return nullptr;
    }
    return feeds_[*x].get();
  }

  void Route() {
    http_.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                   std::exception_ptr) { Refuse(res, 500, "internal error"); });
    http_.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Cache-Control", "no-store");
    });
    http_.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy",
                     "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                     "connect-src 'self'; img-src 'self' data:");
      res.set_content(std::string(Page()), "text/html; charset=utf-8");
    });
    http_.Get("/api/experiments", [this](const httplib::Request&, httplib::Response& res) {
      nlohmann::json list = nlohmann::json::array();
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < feeds_.size(); ++i) {
        nlohmann::json d = feeds_[i]->Describe();
        if (!errors_[i].empty()) d["error"] = errors_[i];
        list.push_back(std::move(d));
      }
      Reply(res, 200, list);
    });
    http_.Get("/api/stream", [this](const httplib::Request& req, httplib::Response& res) {
      Stream(req, res);
    });
    http_.Get("/api/parts", [this](const httplib::Request& req, httplib::Response& res) {
      ExperimentFeed* feed = FeedOf(req, res);
      if (feed == nullptr) return;
      Result<report::ReportData> data = ReportOf(*feed);
      if (!data.ok()) return Refuse(res, 500, data.message());
      report::ReportParts parts = report::RenderParts(*data);
      Reply(res, 200,
            {{"summary", parts.summary}, {"progress", parts.progress}, {"ladder", parts.ladder},
             {"params", parts.params}, {"footer", parts.footer}});
    });
    http_.Get("/api/curve", [this](const httplib::Request& req, httplib::Response& res) {
      ExperimentFeed* feed = FeedOf(req, res);
      if (feed == nullptr) return;
      std::optional<size_t> trial = Count(req.get_param_value("trial"));
      if (!trial) return Refuse(res, 400, "parameter trial is missing or not a number");
      Result<report::ReportData> data = ReportOf(*feed);
      if (!data.ok()) return Refuse(res, 500, data.message());
      res.set_content(report::RenderLearningCurve(*data, uint32_t(*trial)), "image/svg+xml");
    });
    http_.Get("/api/compare", [this](const httplib::Request& req, httplib::Response& res) {
      Compare(req, res);
    });
    http_.Get("/api/file", [this](const httplib::Request& req, httplib::Response& res) {
      ExperimentFeed* feed = FeedOf(req, res);
      if (feed == nullptr) return;
      std::string name = req.get_param_value("name");
      bool served = false;
      for (const char* file : kServedFiles) served = served || name == file;
      if (!served || !feed->has_outputs()) {
        return Refuse(res, 404, "not a file the dashboard serves: '" + name + "'");
      }
      ServeFile((std::filesystem::path(feed->dir()) / name).string(), name, res);
    });
    http_.Post("/api/steer", [this](const httplib::Request& req, httplib::Response& res) {
      Steer(req, res);
    });
  }

  // Streams the file in pieces: best.bin may be large.
  static void ServeFile(const std::string& path, const std::string& name, httplib::Response& res) {
    std::error_code error;
    uintmax_t size = std::filesystem::file_size(path, error);
    auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
    if (error || !*in) return Refuse(res, 404, name + " is not there (yet)");
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    res.set_content_provider(
        size_t(size), "application/octet-stream",
        [in](size_t offset, size_t length, httplib::DataSink& sink) {
          std::vector<char> buffer(std::min<size_t>(length, 1 << 16));
          in->seekg(std::streamoff(offset));
          in->read(buffer.data(), std::streamsize(buffer.size()));
          if (in->gcount() <= 0) return false;
          return sink.write(buffer.data(), size_t(in->gcount()));
        });
  }

  Result<report::ReportData> ReportOf(const ExperimentFeed& feed) {
    std::lock_guard<std::mutex> lock(mu_);
    return feed.Report();
  }

  // Server-sent events: every row from the client's position on (0, or
  // the Last-Event-ID it reconnects with), then each new commit's rows.
  void Stream(const httplib::Request& req, httplib::Response& res) {
    std::string from = req.has_header("Last-Event-ID") ? req.get_header_value("Last-Event-ID")
                       : req.has_param("from")         ? req.get_param_value("from")
                                                       : "0";
    std::optional<size_t> start = Count(from);
    if (!start) return Refuse(res, 400, "the stream position is not a number: '" + from + "'");
    auto cursor = std::make_shared<size_t>(*start);
    ++streams_;
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, cursor](size_t, httplib::DataSink& sink) {
          std::string chunk = NextChunk(*cursor);
          if (chunk.empty()) return false;  // stopping: close the stream
          return sink.write(chunk.data(), chunk.size());
        },
        [this](bool) { --streams_; });
  }

  // The next event for a stream at `cursor` (advanced), a keep-alive
  // comment when nothing came for a while, or "" once stopping.
  std::string NextChunk(size_t& cursor) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::duration<double>(options_.keepalive_seconds),
                      [&] { return stopping_ || rows_.size() > cursor; });
    if (stopping_) return "";
    if (rows_.size() <= cursor) return ": keep-alive\n\n";
    size_t end = std::min(rows_.size(), cursor + kRowsPerEvent);
    std::string chunk = "id: " + std::to_string(end) + "\ndata: [";
    for (size_t i = cursor; i < end; ++i) {
      if (i > cursor) chunk += ',';
      chunk += rows_[i];
    }
    chunk += "]\n\n";
    cursor = end;
    return chunk;
  }

  void Compare(const httplib::Request& req, httplib::Response& res) {
    std::vector<size_t> picked;
    std::string list = req.get_param_value("xs");
    for (size_t at = 0; at <= list.size();) {
      size_t comma = std::min(list.find(',', at), list.size());
      std::optional<size_t> x = Count(list.substr(at, comma - at));
      if (!x || *x >= feeds_.size()) {
        return Refuse(res, 400, "xs must list experiment numbers, e.g. xs=0,1");
      }
      picked.push_back(*x);
      at = comma + 1;
    }
    std::vector<report::ReportData> data;
    std::vector<std::string> names;
    for (size_t x : picked) {
      Result<report::ReportData> d = ReportOf(*feeds_[x]);
      if (!d.ok()) return Refuse(res, 500, d.message());
      data.push_back(std::move(*d));
      std::lock_guard<std::mutex> lock(mu_);
      names.push_back(std::to_string(x) + ": " + feeds_[x]->Describe()["name"].get<std::string>());
    }
    std::vector<const report::ReportData*> pointers;
    for (const report::ReportData& d : data) pointers.push_back(&d);
    Reply(res, 200,
          {{"seconds", report::RenderComparison(pointers, names, report::CompareAxis::kSeconds)},
           {"epochs", report::RenderComparison(pointers, names, report::CompareAxis::kEpochs)}});
  }

  // POST /api/steer?x=N {"action": "evolve" | "stop" | "extend", and for
  // extend what to add: "epochs", "seconds", "trials", "dollars", "jobs"}: a
  // request into that experiment's journal inbox. The run decides; its
  // answer, if it comes within steer_wait_seconds, is the reply: 200 "ok",
  // or 409 with why it did nothing (e.g. the run has no such budget). 202:
  // no run took it yet; it waits in the inbox for the next run or resume.
  void Steer(const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("X-Rungs-Token") ||
        !SameSecret(req.get_header_value("X-Rungs-Token"), options_.token)) {
      return Refuse(res, 403, "steering needs the token printed when the dashboard started");
    }
    ExperimentFeed* feed = FeedOf(req, res);
    if (feed == nullptr) return;
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("action") || !body["action"].is_string()) {
      return Refuse(res, 400, "the body must be a JSON object with a string 'action'");
    }
    Result<store::RequestKind> kind = store::ParseRequestKind(body["action"].get<std::string>());
    if (!kind.ok()) return Refuse(res, 400, kind.message());
    nlohmann::json detail = nlohmann::json::object();
    if (*kind == store::RequestKind::kExtend) {
      detail = body;
      detail.erase("action");
      Result<driver::RunBudget> more = driver::ParseExtension(detail);
      if (!more.ok()) return Refuse(res, 400, more.message());
    }
    if (!std::filesystem::exists(feed->journal_path())) {
      return Refuse(res, 409, "the experiment has no journal yet");
    }
    Result<int64_t> id = store::PostRequest(feed->journal_path(), *kind, detail.dump());
    if (!id.ok()) return Refuse(res, 409, id.message());
    Result<std::optional<std::string>> outcome =
        AwaitOutcome(feed->journal_path(), *id, options_.steer_wait_seconds);
    if (!outcome.ok()) return Refuse(res, 500, outcome.message());
    if (!*outcome) return Reply(res, 202, {{"request", *id}, {"outcome", nullptr}});
    if (**outcome != "ok") return Reply(res, 409, {{"request", *id}, {"error", **outcome}});
    Reply(res, 200, {{"request", *id}, {"outcome", "ok"}});
  }

  DashboardOptions options_;
  std::vector<std::unique_ptr<ExperimentFeed>> feeds_;
  httplib::Server http_;
  int port_ = 0;
  std::atomic<size_t> streams_{0};
  std::thread listener_, poller_;

  mutable std::mutex mu_;  // guards what follows, and the feeds
  std::condition_variable changed_;  // rows came, or stopping
  std::vector<std::string> rows_;    // every row of every experiment, in arrival order
  std::vector<std::string> errors_;  // per experiment: why its last poll failed, or ""
  bool stopping_ = false;
};

Result<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    const std::vector<std::string>& experiments, const DashboardOptions& given) {
  if (experiments.empty()) return Fail("no experiment given: name one or more folders");
  if (!IsLoopback(given.host) && !given.allow_remote) {
    return Fail(given.host +
                " is not a loopback address: anyone who can reach it sees the experiments; "
                "allow it explicitly (--allow-remote)");
  }
  DashboardOptions options = given;
  if (options.token.empty()) options.token = RandomToken();
  auto impl = std::make_unique<Impl>(std::move(options));
  Status started = impl->Start(experiments);
  if (!started.ok()) {
    impl->Stop();
    return started.error();
  }
  return std::unique_ptr<DashboardServer>(new DashboardServer(std::move(impl)));
}

DashboardServer::DashboardServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DashboardServer::~DashboardServer() { impl_->Stop(); }
std::string DashboardServer::url() const { return impl_->Url(); }
int DashboardServer::port() const { return impl_->port(); }
const std::string& DashboardServer::token() const { return impl_->token(); }
size_t DashboardServer::open_streams() const { return impl_->open_streams(); }
void DashboardServer::Stop() { impl_->Stop(); }

}  // namespace rungs::dashboard
