#include "worker/worker_loop.h"

#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include "testing/worker_jobs.h"

namespace rungs::worker {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A Runtime API that hands out queued events and records what comes back.
class FakeRuntimeApi {
 public:
  struct Post {
    std::string path;
    std::string error_type_header;
    std::string body;
  };

  FakeRuntimeApi() {
    server_.Get("/2018-06-01/runtime/invocation/next",
                [this](const httplib::Request&, httplib::Response& res) {
                  std::lock_guard<std::mutex> lock(mu_);
                  if (events_.empty()) {
                    res.status = 500;
                    return;
                  }
                  res.set_header("Lambda-Runtime-Aws-Request-Id", "req-" + std::to_string(++served_));
                  res.set_header("Lambda-Runtime-Deadline-Ms", deadline_ms_);
                  res.set_content(events_.front(), "application/json");
                  events_.pop_front();
                });
    server_.Post(R"(/2018-06-01/runtime/.*)", [this](const httplib::Request& req,
                                                     httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      posts_.push_back({req.path, req.get_header_value("Lambda-Runtime-Function-Error-Type"),
                        req.body});
      res.status = 202;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeRuntimeApi() {
    server_.stop();
    thread_.join();
  }

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  void Queue(std::string event) { events_.push_back(std::move(event)); }
  void SetDeadline(std::string ms) { deadline_ms_ = std::move(ms); }
  const std::vector<Post>& posts() const { return posts_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<std::string> events_;
  std::vector<Post> posts_;
  int served_ = 0;
  std::string deadline_ms_ = "5000";  // what @vercel/fun sends: not a wall-clock time
};

TEST(WorkerLoop, AnswersJobsAndRefusesBadOnesWithoutStopping) {
  testing::CorpusDir corpus("rungs_worker_loop");
  FakeRuntimeApi fake;
  fake.Queue(testing::Request(testing::Envelope(corpus.train())));
  fake.Queue("{\"v\": 2}");
  fake.Queue(testing::Request(testing::Envelope(corpus.train())));
  RuntimeApi api(fake.endpoint());
  JobRunner runner({.memory_mb = 256});
  Status served = ServeInvocations(api, runner, 3);
  ASSERT_TRUE(served.ok()) << served.message();

  ASSERT_EQ(fake.posts().size(), 3u);
  EXPECT_EQ(fake.posts()[0].path, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(fake.posts()[0].error_type_header, "");
  Result<job::JobResult> result =
      job::ResultFromJson(json::parse(fake.posts()[0].body), "response");
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(result->outcome, job::Outcome::kOk) << result->error;  // the constant deadline is ignored
  EXPECT_EQ(result->epochs_trained, 3);
  EXPECT_EQ(result->cost.memory_mb, 256);

  EXPECT_EQ(fake.posts()[1].path, "/2018-06-01/runtime/invocation/req-2/error");
  EXPECT_EQ(fake.posts()[1].error_type_header, "InvalidJob");
  json error = json::parse(fake.posts()[1].body);
  EXPECT_EQ(error["errorType"], "InvalidJob");
  EXPECT_THAT(error["errorMessage"].get<std::string>(), HasSubstr("lambda request"));

  EXPECT_EQ(fake.posts()[2].path, "/2018-06-01/runtime/invocation/req-3/response");
}

TEST(WorkerLoop, EndsWhenTheRuntimeApiFails) {
  FakeRuntimeApi fake;  // no events: next answers 500
  RuntimeApi api(fake.endpoint());
  JobRunner runner({});
  Status served = ServeInvocations(api, runner);
  ASSERT_FALSE(served.ok());
  EXPECT_THAT(served.message(), HasSubstr("invocation/next answered HTTP 500"));
}

TEST(WorkerLoop, PostsInitErrors) {
  FakeRuntimeApi fake;
  RuntimeApi api(fake.endpoint());
  ASSERT_TRUE(api.ReportInitError("InvalidEnvironment", "bad memory size").ok());
  ASSERT_EQ(fake.posts().size(), 1u);
  EXPECT_EQ(fake.posts()[0].path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(fake.posts()[0].error_type_header, "InvalidEnvironment");
  EXPECT_EQ(json::parse(fake.posts()[0].body)["errorMessage"], "bad memory size");
}

TEST(WorkerLoop, DeadlinesAreWallClockOrIgnored) {
  using namespace std::chrono;
  int64_t now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::optional<Clock::time_point> deadline = SteadyDeadline(now_ms + 30000);
  ASSERT_TRUE(deadline.has_value());
  EXPECT_NEAR(duration<double>(*deadline - Clock::now()).count(), 30, 1);
  EXPECT_FALSE(SteadyDeadline(5000).has_value());
  EXPECT_FALSE(SteadyDeadline(std::nullopt).has_value());
  EXPECT_TRUE(SteadyDeadline(now_ms - 1000).has_value());  // already late: stop at once
}

TEST(WorkerLoop, DeadlinesFarFromNowAreIgnoredWithoutOverflow) {
  using namespace std::chrono;
  int64_t now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_FALSE(SteadyDeadline(now_ms + int64_t{2} * 24 * 3600 * 1000).has_value());
  // Found by fuzz/runtime_api.cc: these overflowed converting to the steady clock.
  EXPECT_FALSE(SteadyDeadline(99991542409706888).has_value());
  EXPECT_FALSE(SteadyDeadline(std::numeric_limits<int64_t>::max()).has_value());
  EXPECT_FALSE(SteadyDeadline(std::numeric_limits<int64_t>::min()).has_value());
}

}  // namespace
}  // namespace rungs::worker
