// The dashboard over real HTTP (cpp-httplib's client): what it serves, what
// it refuses, and its event streams under many clients.
#include "dashboard/dashboard_server.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
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

// Reads one event stream until it has `want` rows; records their seqs.
std::vector<uint64_t> ReadStream(int port, size_t want) {
  std::vector<uint64_t> seqs;
  std::string buffer;
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  client.Get("/api/stream", [&](const char* data, size_t length) {
    buffer.append(data, length);
    for (size_t end; (end = buffer.find("\n\n")) != std::string::npos; buffer.erase(0, end + 2)) {
      std::string event = buffer.substr(0, end);
      size_t at = event.find("data: ");
      if (at == std::string::npos) continue;  // a keep-alive comment
      for (const nlohmann::json& row : nlohmann::json::parse(event.substr(at + 6))) {
        seqs.push_back(row["s"].get<uint64_t>());
      }
    }
    return seqs.size() < want;
  });
  return seqs;
}

TEST_F(DashboardTest, FiftyStreamsEachGetEveryRowOnceAndNoneIsLeftOpen) {
  constexpr int kClients = 50, kBefore = 5, kAfter = 20;
  for (int i = 0; i < kBefore; ++i) AddTrial(0.1 * i);
  StartServer();
  std::vector<std::vector<uint64_t>> got(kClients);
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
  std::vector<uint64_t> all;
  for (uint64_t s = 1; s <= 2 * (kBefore + kAfter); ++s) all.push_back(s);
  for (int c = 0; c < kClients; ++c) EXPECT_EQ(got[c], all) << "client " << c;
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

}  // namespace
}  // namespace rungs::dashboard
