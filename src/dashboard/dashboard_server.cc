#include "dashboard/dashboard_server.h"

#include <arpa/inet.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "dashboard/dashboard_page.h"
#include "dashboard/experiment_feed.h"
#include "dashboard/trial_table.h"
#include "driver/run_budget.h"
#include "report/html_report.h"
#include "store/request_inbox.h"

namespace rungs::dashboard {
namespace {

// A stream gets a snapshot when it connects, then one delta event per poll
// that brought something. The deltas are kept for streams that fall behind:
// at most this many, of at most this many bytes; a stream further behind
// gets a new snapshot instead.
constexpr size_t kKeptDeltas = 256;
constexpr size_t kKeptDeltaBytes = size_t(8) << 20;

// Rows a page of GET /api/trials may ask for.
constexpr size_t kMaxTrialsPage = 500;

// httplib compresses "application/json" and "image/svg+xml" answers, with
// brotli at its slowest quality when the browser accepts it: 3.5 s for the
// charts of 150,000 results (2 MB), against 0.25 s to draw them. Spelled
// with their charset they are sent as they are (the dashboard is meant for
// loopback, where compressing gains nothing).
constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kSvg = "image/svg+xml; charset=utf-8";

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
  if (text.empty() || text.size() > 18) return std::nullopt;
  size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + size_t(c - '0');
  }
  return n;
}

// Text from a journal may hold bytes that are not UTF-8: they become U+FFFD.
std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(Dump(body), kJson);
}

void Refuse(httplib::Response& res, int status, const std::string& why) {
  Reply(res, status, {{"error", why}});
}

// Held while the server draws report charts: one drawing at a time, as
// each copies an experiment's report data (tens of MB at 100,000 trials),
// and what it freed handed back to the system when done: glibc keeps the
// memory a thread freed in that thread's arena, and httplib serves each
// request on any of its threads. With this and `rungs dashboard`'s fixed
// mmap threshold (cli/cmd_dashboard.cc) the server stayed at 82-86 MB over
// 40 drawings of 150,000 results; with neither it grew to 670 MB.
class Drawing {
 public:
  explicit Drawing(std::mutex& mu) : lock_(mu) {}
  ~Drawing() { malloc_trim(0); }

 private:
  std::lock_guard<std::mutex> lock_;
};

// A finite decimal number, or nothing.
std::optional<double> Number(const std::string& text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

// GET /api/trials's parameters (doc/dashboard.md), checked against the
// experiment's parameters; an absent or empty one keeps its default.
Result<TrialQuery> ParseTrialQuery(const httplib::Request& req, const ExperimentFeed& feed) {
  static const std::set<std::string> kNames = {"x",    "sort",  "dir",   "page", "size",
                                               "rung", "state", "param", "min",  "max"};
  for (const auto& [name, value] : req.params) {
    if (!kNames.contains(name)) return Fail("unknown parameter '" + name + "'");
  }
  auto given = [&](const char* name) { return req.get_param_value(name); };
  TrialQuery q;
  if (std::string sort = given("sort"); !sort.empty()) {
    static const std::pair<std::string_view, TrialQuery::Key> kColumns[] = {
        {"trial", TrialQuery::Key::kTrial},   {"state", TrialQuery::Key::kState},
        {"rung", TrialQuery::Key::kRung},     {"epochs", TrialQuery::Key::kEpochs},
        {"metric", TrialQuery::Key::kMetric}};
    auto column = std::find_if(std::begin(kColumns), std::end(kColumns),
                               [&](const auto& c) { return c.first == sort; });
    std::optional<size_t> param = feed.ParamIndex(sort);
    if (column != std::end(kColumns)) {
      q.key = column->second;
    } else if (param) {
      q.key = TrialQuery::Key::kParam;
      q.key_param = *param;
    } else {
      return Fail("sort: no column '" + sort + "'");
    }
  }
  if (std::string dir = given("dir"); !dir.empty()) {
    if (dir != "asc" && dir != "desc") return Fail("dir must be asc or desc, not '" + dir + "'");
    q.descending = dir == "desc";
  }
  if (std::string page = given("page"); !page.empty()) {
    std::optional<size_t> n = Count(page);
    if (!n) return Fail("page must be a page number from 0, not '" + page + "'");
    q.page = *n;
  }
  if (std::string size = given("size"); !size.empty()) {
    std::optional<size_t> n = Count(size);
    if (!n || *n == 0 || *n > kMaxTrialsPage) {
      return Fail("size must be from 1 to " + std::to_string(kMaxTrialsPage) + ", not '" + size + "'");
    }
    q.size = *n;
  }
  if (std::string rung = given("rung"); !rung.empty()) {
    std::optional<size_t> n = Count(rung);
    if (!n || *n > 1000) return Fail("rung must be a rung number, not '" + rung + "'");
    q.rung = int(*n);
  }
  if (std::string state = given("state"); !state.empty()) {
    q.state = ParseTrialState(state);
    if (!q.state) return Fail("state must be running, done, failed or stopped, not '" + state + "'");
  }
  std::string param = given("param"), min = given("min"), max = given("max");
  if (!param.empty()) {
    q.range_param = feed.ParamIndex(param);
    if (!q.range_param || feed.Categorical(*q.range_param)) {
      return Fail("param: no numeric parameter '" + param + "'");
    }
  } else if (!min.empty() || !max.empty()) {
    return Fail("min and max need param (the parameter they bound)");
  }
  for (auto [text, bound] : {std::pair{&min, &q.min}, std::pair{&max, &q.max}}) {
    if (text->empty()) continue;
    std::optional<double> v = Number(*text);
    if (!v) return Fail("min and max must be numbers, not '" + *text + "'");
    *bound = *v;
  }
  return q;
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
    // Event ids go on from the start time in ms: a stream reconnecting with
    // an id from an earlier server (which made fewer than 1000 a second) is
    // behind this one's first and gets a snapshot.
    parts_.resize(feeds_.size());
    gen_ = uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
    PollAll(/*first=*/true);
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
  // Reads every journal's new commits. A poll that brought something makes
  // a generation: its delta event (each changed experiment's overview and
  // new rows) is kept, and the streams are woken. The first poll, before
  // any stream, reads everything so far and builds no rows: every stream
  // starts from a snapshot.
  void PollAll(bool first = false) {
    std::lock_guard<std::mutex> lock(mu_);
    nlohmann::json changed = nlohmann::json::array();
    for (size_t x = 0; x < feeds_.size(); ++x) {
      std::optional<nlohmann::json> rows = feeds_[x]->Poll(/*with_rows=*/!first);
      if (!rows) continue;
      changed.push_back({{"x", x}, {"overview", feeds_[x]->Overview()}, {"rows", std::move(*rows)}});
    }
    if (first || changed.empty()) return;
    ++gen_;
    std::string event = Event(/*snapshot=*/false, std::move(changed));
    history_bytes_ += event.size();
    history_.emplace_back(gen_, std::move(event));
    while (history_.size() > kKeptDeltas || history_bytes_ > kKeptDeltaBytes) {
      history_bytes_ -= history_.front().second.size();
      history_.pop_front();
    }
    changed_.notify_all();
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
      for (const auto& feed : feeds_) list.push_back(feed->Describe());
      Reply(res, 200, list);
    });
    http_.Get("/api/stream", [this](const httplib::Request& req, httplib::Response& res) {
      Stream(req, res);
    });
    http_.Get("/api/parts", [this](const httplib::Request& req, httplib::Response& res) {
      ExperimentFeed* feed = FeedOf(req, res);
      if (feed == nullptr) return;
      Result<std::string> parts = PartsOf(*feed);
      if (!parts.ok()) return Refuse(res, 500, parts.message());
      res.set_content(*parts, kJson);
    });
    http_.Get("/api/trials", [this](const httplib::Request& req, httplib::Response& res) {
      ExperimentFeed* feed = FeedOf(req, res);
      if (feed == nullptr) return;
      std::lock_guard<std::mutex> lock(mu_);
      Result<TrialQuery> query = ParseTrialQuery(req, *feed);
      if (!query.ok()) return Refuse(res, 400, query.message());
      Reply(res, 200, feed->Trials(*query));
    });
    http_.Get("/api/curve", [this](const httplib::Request& req, httplib::Response& res) {
      ExperimentFeed* feed = FeedOf(req, res);
      if (feed == nullptr) return;
      std::optional<size_t> trial = Count(req.get_param_value("trial"));
      if (!trial || *trial > UINT32_MAX) return Refuse(res, 400, "parameter trial is missing or not a trial number");
      report::ReportData data;
      {
        std::lock_guard<std::mutex> lock(mu_);
        data = feed->CurveData(uint32_t(*trial));
      }
      res.set_content(report::RenderLearningCurve(data, uint32_t(*trial)), kSvg);
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

  // GET /api/parts's answer: drawn again only when the experiment's journal
  // brought something since, so pages refreshing together cost one drawing.
  Result<std::string> PartsOf(const ExperimentFeed& feed) {
    Drawing drawing(draw_mu_);
    Result<report::ReportData> data = report::ReportData();
    uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Drawn& drawn = parts_[size_t(feed.index())];
      seq = feed.seq();
      if (drawn.seq == seq && !drawn.json.empty()) return drawn.json;
      data = feed.Report();
    }
    if (!data.ok()) return data.error();
    report::ReportParts parts = report::RenderParts(*data);
    std::string json = Dump({{"summary", parts.summary}, {"progress", parts.progress},
                             {"ladder", parts.ladder}, {"params", parts.params},
                             {"footer", parts.footer}});
    std::lock_guard<std::mutex> lock(mu_);
    parts_[size_t(feed.index())] = {seq, json};
    return json;
  }

  // Server-sent events (doc/dashboard.md, "The event stream"): a snapshot,
  // then the deltas after it. A stream that comes back with the id of the
  // last event it got (Last-Event-ID, or ?from=) goes on after it while the
  // deltas since are kept, and from a new snapshot otherwise.
  void Stream(const httplib::Request& req, httplib::Response& res) {
    std::string from = req.has_header("Last-Event-ID") ? req.get_header_value("Last-Event-ID")
                                                       : req.get_param_value("from");
    auto cursor = std::make_shared<std::optional<uint64_t>>();
    if (!from.empty()) {
      std::optional<size_t> id = Count(from);
      if (!id) return Refuse(res, 400, "the stream position is not an event id: '" + from + "'");
      *cursor = *id;
    }
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

  // The next events for a stream whose last event was generation
  // `cursor` (none: it has had none), which they advance: a snapshot, the
  // deltas since, a keep-alive comment when nothing came for a while, or
  // "" once stopping.
  std::string NextChunk(std::optional<uint64_t>& cursor) {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return "";
    if (!cursor || !Kept(*cursor)) {
      cursor = gen_;
      return Snapshot();
    }
    changed_.wait_for(lock, std::chrono::duration<double>(options_.keepalive_seconds),
                      [&] { return stopping_ || gen_ > *cursor; });
    if (stopping_) return "";
    if (gen_ == *cursor) return ": keep-alive\n\n";
    std::string chunk;
    if (!Kept(*cursor)) {
      chunk = Snapshot();
    } else {
      for (const auto& [gen, event] : history_) {
        if (gen > *cursor) chunk += event;
      }
    }
    cursor = gen_;
    return chunk;
  }

  // Whether every delta after generation `cursor` is kept.
  bool Kept(uint64_t cursor) const { return cursor <= gen_ && gen_ - cursor <= history_.size(); }

  // Every experiment's overview, as of generation gen_.
  std::string Snapshot() const {
    nlohmann::json experiments = nlohmann::json::array();
    for (size_t x = 0; x < feeds_.size(); ++x) {
      experiments.push_back({{"x", x}, {"overview", feeds_[x]->Overview()}});
    }
    return Event(/*snapshot=*/true, std::move(experiments));
  }

  // One server-sent event of generation gen_.
  std::string Event(bool snapshot, nlohmann::json experiments) const {
    nlohmann::json data = {{"gen", gen_}, {"snapshot", snapshot}, {"exps", std::move(experiments)}};
    return "id: " + std::to_string(gen_) + "\ndata: " + Dump(data) + "\n\n";
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
    Drawing drawing(draw_mu_);
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
  std::condition_variable changed_;  // a new generation, or stopping
  uint64_t gen_ = 0;                 // the polls that brought something, from the start time in ms
  std::deque<std::pair<uint64_t, std::string>> history_;  // the last deltas: generation, event
  size_t history_bytes_ = 0;
  // Per experiment, its charts as last drawn, at which journal seq.
  struct Drawn {
    uint64_t seq = 0;
    std::string json;
  };
  std::vector<Drawn> parts_;
  bool stopping_ = false;

  std::mutex draw_mu_;  // held by a Drawing; taken before mu_, never inside it
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
