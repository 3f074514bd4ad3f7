// The dashboard over real HTTP (cpp-httplib's client): what it serves, what
// it refuses, and its event streams under many clients.
#include "dashboard/dashboard_server.h"

#include <unistd.h>

#include <cmath>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/journal.h"

namespace rungs::dashboard {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSpace = R"(
[params.lr]
type = "float"
min = 0.01
max = 1.0
scale = "log"

[params.loss]
type = "choice"
choices = ["softmax", "ns"]
)";

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);  // as `rungs dashboard` does: a client may hang up
    dir_ = std::filesystem::temp_directory_path() /
           ("rungs_dashboard_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    journal_path_ = (dir_ / "journal.db").string();
    store::ExperimentRecord e;
    e.id = "dash";
    e.name = "dash";
    e.space_toml = kSpace;
    e.scheduler = "asha";
    e.options_json = "{}";
    e.seed = 1;
    journal_.emplace(store::Journal::Create(journal_path_, e).value());
  }
  void TearDown() override {
    server_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One trial: its job and its result, committed (two rows for the page).
  void AddTrial(double metric) {
    uint32_t trial = next_trial_++;
    job::Job job;
    job.id = trial;
    job.trial = trial;
    job.epochs_to = 1;
    job.config = {0.1, 1};
    ASSERT_TRUE(journal_->AddJob(seq_++, job, trial).ok());
    job::JobResult r = job::ResultFor(job, job::Outcome::kOk);
    r.metric = metric;
    r.epochs_trained = 1;
    ASSERT_TRUE(journal_->AddResult(seq_++, r, trial + 0.5).ok());
    ASSERT_TRUE(journal_->Commit().ok());
  }

  // A job of `trial` at `rung`, trained to `epochs`, with learning rate `lr`
  // and loss choice `loss`, and its result when `metric` is given (NaN: it
  // failed); committed.
  void Run(uint32_t trial, int rung, int epochs, double lr, int loss, std::optional<double> metric) {
    job::Job job;
    job.id = next_job_++;
    job.trial = trial;
    job.rung = rung;
    job.epochs_from = rung == 0 ? 0 : 1;
    job.epochs_to = epochs;
    job.config = {lr, double(loss)};
    uint64_t seq = seq_++;
    ASSERT_TRUE(journal_->AddJob(seq, job, double(seq)).ok());
    if (metric) {
      job::JobResult r = job::ResultFor(job, std::isnan(*metric) ? job::Outcome::kFailed : job::Outcome::kOk);
      r.metric = *metric;
      r.epochs_trained = epochs - job.epochs_from;
      seq = seq_++;
      ASSERT_TRUE(journal_->AddResult(seq, r, double(seq)).ok());
    }
    ASSERT_TRUE(journal_->Commit().ok());
  }

  // Five trials: 1 done at rung 1 (0.7, after 0.5 at rung 0), 2 and 3 done
  // at rung 0 (0.6, 0.4), 4 failed, 5 running; learning rates 0.02, 0.05,
  // 0.2, 0.5, 0.9; losses softmax, ns, softmax, ns, softmax.
  void AddFiveTrials() {
    Run(1, 0, 1, 0.02, 0, 0.5);
    Run(2, 0, 1, 0.05, 1, 0.6);
    Run(3, 0, 1, 0.2, 0, 0.4);
    Run(1, 1, 3, 0.02, 0, 0.7);
    Run(4, 0, 1, 0.5, 1, std::nan(""));
    Run(5, 0, 1, 0.9, 0, std::nullopt);
  }

  // The trials GET /api/trials?QUERY lists, in order.
  std::vector<uint32_t> TrialsListed(const std::string& query) {
    httplib::Result r = Client().Get("/api/trials?x=0&" + query);
    if (!r || r->status != 200) {
      ADD_FAILURE() << query << ": " << (r ? r->body : "no answer");
      return {};
    }
    nlohmann::json table = nlohmann::json::parse(r->body);
    std::vector<uint32_t> trials;
    for (const nlohmann::json& row : table["rows"]) trials.push_back(row["trial"]);
    return trials;
  }

  // `steer_wait_seconds`: how long a POST waits for a run to take its
  // request (none runs unless a test plays one).
  void StartServer(std::vector<std::string> experiments = {}, double steer_wait_seconds = 0.2) {
    if (experiments.empty()) experiments = {journal_path_};
    DashboardOptions options;
    options.poll_seconds = 0.05;
    options.keepalive_seconds = 0.2;
    options.steer_wait_seconds = steer_wait_seconds;
    Result<std::unique_ptr<DashboardServer>> server = DashboardServer::Start(experiments, options);
    ASSERT_TRUE(server.ok()) << server.message();
    server_ = std::move(*server);
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(60, 0);
    return client;
  }

  httplib::Result Steer(const std::string& body, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("X-Rungs-Token", token);
    return Client().Post("/api/steer?x=0", headers, body, "application/json");
  }

  std::filesystem::path dir_;
  std::string journal_path_;
  std::optional<store::Journal> journal_;
  std::unique_ptr<DashboardServer> server_;
  uint32_t next_trial_ = 1;
  uint64_t next_job_ = 1000;
  uint64_t seq_ = 1;
};

TEST_F(DashboardTest, ServesOneSelfContainedPageAndTheExperiments) {
  AddTrial(0.5);
  StartServer();
  EXPECT_THAT(server_->url(), HasSubstr("http://127.0.0.1:" + std::to_string(server_->port()) +
                                        "/?token=" + server_->token()));
  EXPECT_GE(server_->token().size(), 32u);
  httplib::Result page = Client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("EventSource"));
  EXPECT_EQ(page->body.find("http://"), std::string::npos);  // nothing from the network
  EXPECT_EQ(page->body.find("https://"), std::string::npos);
  EXPECT_EQ(page->body.find("src="), std::string::npos);

  httplib::Result list = Client().Get("/api/experiments");
  ASSERT_TRUE(list);
  nlohmann::json experiments = nlohmann::json::parse(list->body);
  ASSERT_EQ(experiments.size(), 1u);
  EXPECT_EQ(experiments[0]["scheduler"], "asha");
  EXPECT_EQ(experiments[0]["params"].size(), 2u);

  httplib::Result parts = Client().Get("/api/parts?x=0");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->status, 200);
  EXPECT_THAT(nlohmann::json::parse(parts->body)["progress"].get<std::string>(), HasSubstr("<circle"));
}

TEST_F(DashboardTest, SteeringNeedsTheTokenAndLandsInTheJournalsInbox) {
  StartServer();
  httplib::Result missing = Steer(R"({"action":"evolve"})", "");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  httplib::Result wrong = Steer(R"({"action":"evolve"})", std::string(server_->token().size(), 'a'));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_TRUE(journal_->PendingRequests()->empty());

  // No run takes it: accepted, and waiting in the inbox for the next one.
  httplib::Result waiting = Steer(R"({"action":"extend","jobs":5})", server_->token());
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->status, 202) << waiting->body;
  std::vector<store::Request> pending = journal_->PendingRequests().value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].kind, "extend");
  EXPECT_EQ(pending[0].detail, R"({"jobs":5})");
}

// A run's answer is the reply: 200 when it acted, 409 with its reason when
// it did not. Here the test plays the run, taking requests as a driver does.
TEST_F(DashboardTest, SteeringRepliesWithTheRunsAnswer) {
  StartServer({}, /*steer_wait_seconds=*/60);
  std::atomic<bool> done{false};
  std::thread run([&] {
    while (!done) {
      const std::vector<store::Request> pending = journal_->PendingRequests().value();
      for (const store::Request& r : pending) {
        const bool dollars = nlohmann::json::parse(r.detail).contains("dollars");
        EXPECT_TRUE(journal_->TakeRequest(r.id, dollars ? 0 : seq_++,
                                          dollars ? "the run has no dollar budget" : "ok")
                        .ok());
        EXPECT_TRUE(journal_->Commit().ok());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  httplib::Result ok = Steer(R"({"action":"extend","epochs":5})", server_->token());
  httplib::Result refused = Steer(R"({"action":"extend","dollars":1})", server_->token());
  done = true;
  run.join();
  ASSERT_TRUE(ok && refused);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(nlohmann::json::parse(ok->body)["outcome"], "ok");
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_EQ(nlohmann::json::parse(refused->body)["error"], "the run has no dollar budget");
}

TEST_F(DashboardTest, BadRequestsGet4xxAndTheServerKeepsServing) {
  StartServer();
  const std::string token = server_->token();
  auto status_of = [](const httplib::Result& r) { return r ? r->status : -1; };
  EXPECT_EQ(status_of(Steer(std::string(64 * 1024, '{'), token)), 413);
  EXPECT_EQ(status_of(Steer("{\"action\":", token)), 400);
  EXPECT_EQ(status_of(Steer("[1,2]", token)), 400);
  EXPECT_EQ(status_of(Steer(R"({"action":"reboot"})", token)), 400);
  EXPECT_EQ(status_of(Steer(R"({"action":"extend"})", token)), 400);
  EXPECT_EQ(status_of(Steer(R"({"action":"extend","jobs":-3})", token)), 400);
  EXPECT_EQ(status_of(Steer(R"({"action":"extend","seconds":"many"})", token)), 400);
  EXPECT_EQ(status_of(Steer(R"({"action":"extend","epochs":1.5})", token)), 400);
  EXPECT_EQ(status_of(Steer(R"({"action":"extend","minutes":5})", token)), 400);
  httplib::Headers headers{{"X-Rungs-Token", token}};
  EXPECT_EQ(status_of(Client().Post("/api/steer?x=9", headers, R"({"action":"stop"})", "application/json")), 404);
  EXPECT_EQ(status_of(Client().Post("/api/steer", headers, R"({"action":"stop"})", "application/json")), 400);
  EXPECT_EQ(status_of(Client().Get("/api/parts?x=abc")), 400);
  EXPECT_EQ(status_of(Client().Get("/api/parts?x=99999999999999999999")), 400);
  EXPECT_EQ(status_of(Client().Get("/api/curve?x=0")), 400);
  EXPECT_EQ(status_of(Client().Get("/api/compare?xs=0,5")), 400);
  EXPECT_EQ(status_of(Client().Get("/api/stream?from=-1")), 400);
  for (const char* query : {"size=0", "size=501", "size=ten", "page=-1", "sort=nope", "dir=up",
                            "state=lost", "rung=x", "param=loss", "param=nope", "min=1",
                            "param=lr&max=abc", "param=lr&min=inf", "colour=red"}) {
    httplib::Result r = Client().Get(std::string("/api/trials?x=0&") + query);
    EXPECT_EQ(status_of(r), 400) << query;
    if (r) {
      EXPECT_THAT(r->body, HasSubstr("error")) << query;
    }
  }
  EXPECT_EQ(status_of(Client().Get("/api/trials")), 400);
  EXPECT_EQ(status_of(Client().Get("/api/trials?x=3")), 404);
  EXPECT_EQ(status_of(Client().Get("/api/curve?x=0&trial=99999999999")), 400);
  EXPECT_EQ(status_of(Client().Get("/no/such/page")), 404);
  EXPECT_TRUE(journal_->PendingRequests()->empty());
  EXPECT_EQ(status_of(Client().Get("/api/experiments")), 200);
}

TEST_F(DashboardTest, ServesNoFileOutsideTheExperimentsNamedOutputs) {
  std::filesystem::path run = dir_ / "run";
  std::filesystem::create_directories(run);
  std::ofstream(run / "best.toml") << "[config]\nlr = 0.1\n";
  std::ofstream(dir_ / "secret.txt") << "not for the web";
  StartServer({run.string(), journal_path_});
  httplib::Result best = Client().Get("/api/file?x=0&name=best.toml");
  ASSERT_TRUE(best);
  EXPECT_EQ(best->status, 200);
  EXPECT_EQ(best->body, "[config]\nlr = 0.1\n");
  for (const char* path :
       {"/api/file?x=0&name=../secret.txt", "/api/file?x=0&name=..%2Fsecret.txt",
        "/api/file?x=0&name=%2Fetc%2Fpasswd", "/api/file?x=0&name=journal.sqlite",
        "/api/file?x=1&name=best.toml",  // a bare journal has no outputs
        "/../secret.txt", "/%2e%2e/secret.txt", "/..%2f..%2fetc%2fpasswd", "/etc/passwd"}) {
    httplib::Result r = Client().Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status / 100, 4) << path;
    EXPECT_EQ(r->body.find("not for the web"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
}

TEST_F(DashboardTest, NonLoopbackNeedsAnExplicitFlag) {
  DashboardOptions options;
  options.host = "0.0.0.0";
  Result<std::unique_ptr<DashboardServer>> server = DashboardServer::Start({journal_path_}, options);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.message(), HasSubstr("--allow-remote"));
  EXPECT_TRUE(IsLoopback("127.0.0.1"));
  EXPECT_TRUE(IsLoopback("127.1.2.3"));
  EXPECT_TRUE(IsLoopback("::1"));
  EXPECT_FALSE(IsLoopback("10.0.0.1"));
  EXPECT_FALSE(IsLoopback("example.com"));
}

TEST(DashboardAddress, ReadsHostAndPortAndNamesWhatIsWrong) {
  DashboardOptions o;
  ASSERT_TRUE(ParseAddress("0.0.0.0:8080", o).ok());
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 8080);
  o = {};
  ASSERT_TRUE(ParseAddress(":9000", o).ok());
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 9000);
  o = {};
  ASSERT_TRUE(ParseAddress("localhost", o).ok());
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, 0);
  o = {};
  ASSERT_TRUE(ParseAddress("[::1]:81", o).ok());
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 81);
  EXPECT_THAT(ParseAddress("host:http", o).message(), HasSubstr("'host:http'"));
  EXPECT_FALSE(ParseAddress("host:70000", o).ok());
  EXPECT_FALSE(ParseAddress("[::1", o).ok());
}

// The events of one stream (GET `path`), each its id and data, read until
// `more` says no to one or the stream ends.
struct StreamEvent {
  uint64_t id = 0;
  nlohmann::json data;
};
std::vector<StreamEvent> ReadEvents(int port, const std::string& path,
                                    const std::function<bool(const StreamEvent&)>& more) {
  std::vector<StreamEvent> events;
  std::string buffer;
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  client.Get(path, [&](const char* data, size_t length) {
    buffer.append(data, length);
    for (size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
      std::string event = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      size_t at = event.find("data: ");
      if (at == std::string::npos) continue;  // a keep-alive comment
      EXPECT_EQ(event.rfind("id: ", 0), 0u) << event;
      events.push_back({std::stoull(event.substr(4)), nlohmann::json::parse(event.substr(at + 6))});
      if (!more(events.back())) return false;
    }
    return true;
  });
  return events;
}

// Only the first event.
bool NoMore(const StreamEvent&) { return false; }

// What one stream said about experiment 0: the seq and results count of
// its snapshot, and the seqs of the rows after it.
struct Seen {
  uint64_t snapshot_seq = 0;
  uint64_t snapshot_results = 0;
  std::vector<uint64_t> seqs;
  uint64_t last() const { return seqs.empty() ? snapshot_seq : seqs.back(); }
};
Seen ReadStream(int port, uint64_t until_seq) {
  Seen seen;
  size_t events = 0;
  ReadEvents(port, "/api/stream", [&](const StreamEvent& event) {
    const nlohmann::json& d = event.data;
    EXPECT_EQ(d["snapshot"].get<bool>(), ++events == 1);  // a snapshot first, then deltas
    for (const nlohmann::json& e : d["exps"]) {
      if (d["snapshot"].get<bool>()) {
        seen.snapshot_seq = e["overview"]["seq"];
        seen.snapshot_results = e["overview"]["results"];
        continue;
      }
      for (const nlohmann::json& row : e["rows"]) seen.seqs.push_back(row["s"].get<uint64_t>());
    }
    return seen.last() < until_seq;
  });
  return seen;
}

// Each stream's snapshot counts the rows up to its seq, and its deltas
// carry every row after that once, in order.
TEST_F(DashboardTest, FiftyStreamsEachGetEveryRowOnceAndNoneIsLeftOpen) {
  constexpr int kClients = 50, kBefore = 5, kAfter = 20;
  for (int i = 0; i < kBefore; ++i) AddTrial(0.1 * i);
  StartServer();
  std::vector<Seen> got(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] { got[c] = ReadStream(server_->port(), 2 * (kBefore + kAfter)); });
  }
  // New commits while the clients read: each must still see every row.
  for (int i = 0; i < kAfter; ++i) {
    AddTrial(0.5 + 0.01 * i);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (std::thread& t : clients) t.join();
  for (int c = 0; c < kClients; ++c) {
    EXPECT_GE(got[c].snapshot_seq, 2u * kBefore) << "client " << c;
    EXPECT_EQ(got[c].snapshot_results, got[c].snapshot_seq / 2) << "client " << c;  // a job and a result a trial
    std::vector<uint64_t> after;
    for (uint64_t s = got[c].snapshot_seq + 1; s <= 2 * (kBefore + kAfter); ++s) after.push_back(s);
    EXPECT_EQ(got[c].seqs, after) << "client " << c;
  }
  // The server notices each hang-up at its next keep-alive at the latest.
  for (int wait = 0; wait < 600 && server_->open_streams() > 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(server_->open_streams(), 0u);
}

TEST_F(DashboardTest, StoppingEndsOpenStreams) {
  StartServer();
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) clients.emplace_back([&] { ReadStream(server_->port(), 1000); });
  for (int wait = 0; wait < 600 && server_->open_streams() < 3; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server_->open_streams(), 3u);
  server_->Stop();  // must not wait for the clients
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(server_->open_streams(), 0u);
}

TEST_F(DashboardTest, TheSnapshotCountsTrialsRungsAndTheBestAndAStreamGoesOnFromItsLastId) {
  AddFiveTrials();
  StartServer();
  std::vector<StreamEvent> first =
      ReadEvents(server_->port(), "/api/stream", NoMore);
  ASSERT_EQ(first.size(), 1u);
  const nlohmann::json& overview = first[0].data["exps"][0]["overview"];
  EXPECT_TRUE(first[0].data["snapshot"].get<bool>());
  EXPECT_EQ(overview["trials"], 5);
  EXPECT_EQ(overview["jobs"], 6);
  EXPECT_EQ(overview["results"], 5);
  EXPECT_EQ(overview["running"], 1);
  EXPECT_EQ(overview["epochs"], 1 + 1 + 1 + 2 + 1);
  EXPECT_EQ(overview["rungs"], nlohmann::json::parse(
                                   R"([{"ep":1,"done":4,"running":1},{"ep":3,"done":1,"running":0}])"));
  EXPECT_EQ(overview["best"]["trial"], 1);
  EXPECT_EQ(overview["best"]["c"], nlohmann::json::parse(R"({"lr":0.02,"loss":"softmax"})"));

  // Back with the snapshot's id: only what came since, as a delta.
  Run(6, 0, 1, 0.3, 1, 0.65);
  std::string from = "/api/stream?from=" + std::to_string(first[0].id);
  std::vector<StreamEvent> next =
      ReadEvents(server_->port(), from, NoMore);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_GT(next[0].id, first[0].id);
  EXPECT_FALSE(next[0].data["snapshot"].get<bool>());
  const nlohmann::json& rows = next[0].data["exps"][0]["rows"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["k"], "job");
  EXPECT_EQ(rows[0]["c"], nlohmann::json::parse(R"({"lr":0.3,"loss":"ns"})"));
  EXPECT_EQ(rows[1]["k"], "result");
  EXPECT_EQ(next[0].data["exps"][0]["overview"]["trials"], 6);
  // An id this server never gave (an earlier server's): a snapshot.
  std::vector<StreamEvent> old =
      ReadEvents(server_->port(), "/api/stream?from=7", NoMore);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_TRUE(old[0].data["snapshot"].get<bool>());
  EXPECT_EQ(old[0].data["exps"][0]["overview"]["trials"], 6);
}

TEST_F(DashboardTest, TheTrialsTableIsPagedSortedAndFilteredByTheServer) {
  AddFiveTrials();
  StartServer();
  httplib::Result all = Client().Get("/api/trials?x=0");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  nlohmann::json table = nlohmann::json::parse(all->body);
  EXPECT_EQ(table["trials"], 5);
  EXPECT_EQ(table["matched"], 5);
  ASSERT_EQ(table["rows"].size(), 5u);
  EXPECT_EQ(table["rows"][0], nlohmann::json::parse(
                                  R"({"trial":1,"state":"done","rung":1,"ep":3,"m":0.7,
                                      "c":{"lr":0.02,"loss":"softmax"}})"));
  EXPECT_EQ(table["rows"][3]["state"], "failed");
  EXPECT_EQ(table["rows"][3]["m"], nullptr);
  EXPECT_EQ(table["rows"][4]["state"], "running");

  EXPECT_EQ(TrialsListed("sort=metric&dir=desc"), (std::vector<uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(TrialsListed("sort=metric&dir=asc"), (std::vector<uint32_t>{3, 2, 1, 4, 5}));
  EXPECT_EQ(TrialsListed("sort=lr&dir=desc"), (std::vector<uint32_t>{5, 4, 3, 2, 1}));
  EXPECT_EQ(TrialsListed("sort=loss"), (std::vector<uint32_t>{1, 3, 5, 2, 4}));
  EXPECT_EQ(TrialsListed("size=2&page=1"), (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(TrialsListed("size=2&page=9"), (std::vector<uint32_t>{5}));  // past the end: the last page
  EXPECT_EQ(TrialsListed("rung=1"), (std::vector<uint32_t>{1}));
  EXPECT_EQ(TrialsListed("state=running"), (std::vector<uint32_t>{5}));
  EXPECT_EQ(TrialsListed("state=done&sort=trial&dir=desc"), (std::vector<uint32_t>{3, 2, 1}));
  EXPECT_EQ(TrialsListed("param=lr&min=0.04&max=0.6"), (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_EQ(TrialsListed("param=lr&min=0.3&rung=0&state=failed"), (std::vector<uint32_t>{4}));

  // A trial's learning curve: its own results only.
  httplib::Result curve = Client().Get("/api/curve?x=0&trial=1");
  ASSERT_TRUE(curve);
  size_t dots = 0;
  for (size_t at = 0; (at = curve->body.find("<circle", at)) != std::string::npos; ++at) ++dots;
  EXPECT_EQ(dots, 2u);
}

}  // namespace
}  // namespace rungs::dashboard
