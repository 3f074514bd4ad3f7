// BlackboxObjective against small scripted blackboxes (Python programs
// written by each test): good answers, and each way a program can break the
// protocol, which must end in an error naming the line and field, never a
// hang.
#include "exec/blackbox_objective.h"
#include "testing/temp_dir.h"

#include <unistd.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::exec {
namespace {

namespace fs = std::filesystem;
using job::Job;
using job::Promotion;
using ::testing::AllOf;
using ::testing::HasSubstr;

// The head every script shares: answer(q, metrics, seconds) prints one
// answer line for request q.
constexpr const char* kScriptHead = R"(import json, sys
def answer(q, metrics, seconds, **extra):
    line = dict(v=1, id=q["id"], metrics=metrics, seconds=seconds, **extra)
    print(json.dumps(line), flush=True)
)";

// A blackbox that follows the protocol: the metric after epoch e is
// x * e, and every epoch takes 2 seconds.
constexpr const char* kGood = R"(
for line in sys.stdin:
    q = json.loads(line)
    x = q["config"]["x"]
    answer(q, [x * e for e in q["epochs"]], [2.0 * e for e in q["epochs"]])
)";

space::Space OneParam() {
  auto space = space::Space::FromToml(
      "[params.x]\ntype = \"float\"\nmin = 0.0\nmax = 10.0\n", "test space");
  EXPECT_TRUE(space.ok()) << space.message();
  return *space;
}

Job BlackboxJob(uint64_t id, double x, int from, int to) {
  Job job;
  job.id = id;
  job.trial = uint32_t(id);
  job.epochs_from = from;
  job.epochs_to = to;
  job.config = {x};
  return job;
}

class BlackboxObjectiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
  }

  // Starts the Python program kScriptHead + `body`.
  std::unique_ptr<BlackboxObjective> Start(const std::string& body,
                                           std::chrono::milliseconds timeout =
                                               std::chrono::milliseconds(30000)) {
    fs::path script = dir_ / "blackbox.py";
    std::ofstream(script) << kScriptHead << body;
    BlackboxOptions options;
    options.argv = {"/usr/bin/python3", script.string()};
    options.stderr_path = dir_ / "stderr.log";
    options.timeout = timeout;
    auto objective = BlackboxObjective::Start(OneParam(), options);
    EXPECT_TRUE(objective.ok()) << objective.message();
    return objective.ok() ? std::move(*objective) : nullptr;
  }

  // The error of training one job from scratch, or "" when it succeeded.
  static std::string TrainError(BlackboxObjective& objective) {
    auto results = objective.Train({BlackboxJob(1, 0.5, 0, 3)}, Promotion::kResume);
    return results.ok() ? "" : results.message();
  }

  fs::path dir_;
};

TEST_F(BlackboxObjectiveTest, JobsGetTheMetricAtTheirLastEpochAndTheSecondsTheyTrain) {
  auto objective = Start(kGood);
  ASSERT_TRUE(objective);
  auto results = objective->Train({BlackboxJob(1, 0.5, 0, 3), BlackboxJob(2, 0.25, 3, 9)},
                                  Promotion::kResume);
  ASSERT_TRUE(results.ok()) << results.message();
  ASSERT_EQ(results->size(), 2u);
  const job::JobResult& fresh = (*results)[0];
  EXPECT_EQ(fresh.job, 1u);
  EXPECT_EQ(fresh.outcome, job::Outcome::kOk);
  EXPECT_DOUBLE_EQ(fresh.metric, 1.5);    // 0.5 * 3
  EXPECT_DOUBLE_EQ(fresh.seconds, 6.0);   // epochs 1..3
  EXPECT_EQ(fresh.epochs_trained, 3);
  const job::JobResult& resumed = (*results)[1];
  EXPECT_EQ(resumed.job, 2u);
  EXPECT_DOUBLE_EQ(resumed.metric, 2.25);   // 0.25 * 9
  EXPECT_DOUBLE_EQ(resumed.seconds, 12.0);  // epochs 4..9 only
  EXPECT_EQ(resumed.epochs_trained, 6);

  // Restarted, the same promotion retrains every epoch.
  auto restarted = objective->Train({BlackboxJob(3, 0.25, 3, 9)}, Promotion::kRestart);
  ASSERT_TRUE(restarted.ok()) << restarted.message();
  EXPECT_DOUBLE_EQ((*restarted)[0].seconds, 18.0);
  EXPECT_EQ((*restarted)[0].epochs_trained, 9);
  EXPECT_EQ(objective->stats().requests, 3u);
  EXPECT_EQ(objective->stats().exchanges, 2u);
}

// A batch far larger than a pipe holds, requests and answers alike.
TEST_F(BlackboxObjectiveTest, AnswersAThousandsOfJobsBatchInOneExchange) {
  auto objective = Start(kGood);
  ASSERT_TRUE(objective);
  std::vector<Job> jobs;
  for (uint64_t id = 0; id < 5000; ++id) jobs.push_back(BlackboxJob(id, (id % 10) * 0.5, 0, 2));
  auto results = objective->Train(jobs, Promotion::kResume);
  ASSERT_TRUE(results.ok()) << results.message();
  ASSERT_EQ(results->size(), jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ((*results)[i].job, jobs[i].id);
    EXPECT_DOUBLE_EQ((*results)[i].metric, (i % 10) * 0.5 * 2);
  }
  EXPECT_EQ(objective->stats().exchanges, 1u);
}

TEST_F(BlackboxObjectiveTest, ALineThatIsNotJsonIsNamedByItsNumber) {
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
answer(q, [0.5], [1.0])
sys.stdin.readline()
print("loading model...", flush=True)
sys.stdin.read()
)");
  ASSERT_TRUE(objective);
  EXPECT_EQ(TrainError(*objective), "");
  EXPECT_THAT(TrainError(*objective),
              AllOf(HasSubstr("blackbox '/usr/bin/python3 "),
                    HasSubstr("stdout line 2 (the answer to request 2): not JSON: "
                              "'loading model...'")));
}

TEST_F(BlackboxObjectiveTest, AMissingFieldIsNamed) {
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
print(json.dumps(dict(v=1, id=q["id"], metrics=[0.5])), flush=True)
sys.stdin.read()
)");
  ASSERT_TRUE(objective);
  EXPECT_THAT(TrainError(*objective),
              HasSubstr("stdout line 1 (the answer to request 1): field 'seconds' is missing"));
}

TEST_F(BlackboxObjectiveTest, AWrongIdIsNamed) {
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
answer(dict(id=q["id"] + 41), [0.5], [1.0])
sys.stdin.read()
)");
  ASSERT_TRUE(objective);
  EXPECT_THAT(TrainError(*objective), HasSubstr("field 'id' is 42, expected 1"));
}

// Python writes a NaN metric as the bare word NaN (not JSON); Node writes
// it as null. Both are refused, naming the line.
TEST_F(BlackboxObjectiveTest, ANanMetricIsRefused) {
  auto python = Start(R"(
q = json.loads(sys.stdin.readline())
answer(q, [float("nan")], [1.0])
sys.stdin.read()
)");
  ASSERT_TRUE(python);
  EXPECT_THAT(TrainError(*python), AllOf(HasSubstr("stdout line 1"), HasSubstr("not JSON"),
                                         HasSubstr("NaN")));
  auto node_style = Start(R"(
q = json.loads(sys.stdin.readline())
answer(q, [None], [1.0])
sys.stdin.read()
)");
  ASSERT_TRUE(node_style);
  EXPECT_THAT(TrainError(*node_style),
              HasSubstr("stdout line 1 (the answer to request 1): field 'metrics'[0] must be a "
                        "finite number, got null"));
}

TEST_F(BlackboxObjectiveTest, AProgramThatExitsIsReportedWithItsStatusAndStderr) {
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
print("no such configuration: x=%g" % q["config"]["x"], file=sys.stderr)
sys.exit(3)
)");
  ASSERT_TRUE(objective);
  EXPECT_THAT(TrainError(*objective),
              AllOf(HasSubstr("exited with status 3 before answering request 1"),
                    HasSubstr("no such configuration: x=0.5")));
}

TEST_F(BlackboxObjectiveTest, AProgramThatNeverAnswersTimesOut) {
  auto objective = Start("sys.stdin.read()\n", std::chrono::milliseconds(300));
  ASSERT_TRUE(objective);
  EXPECT_THAT(TrainError(*objective), HasSubstr("gave no answer to request 1 within 0.3 s"));
}

TEST_F(BlackboxObjectiveTest, ARefusalQuotesTheProgram) {
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
print(json.dumps(dict(v=1, id=q["id"], error="epoch 3 is past this table's end")), flush=True)
sys.stdin.read()
)");
  ASSERT_TRUE(objective);
  EXPECT_THAT(TrainError(*objective),
              HasSubstr("refused request 1: epoch 3 is past this table's end"));
}

TEST_F(BlackboxObjectiveTest, AnAnswerToNoRequestIsRefused) {
  // Both lines in one write, so they arrive together.
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
line = json.dumps(dict(v=1, id=q["id"], metrics=[0.5], seconds=[1.0]))
sys.stdout.write(line + "\n" + line + "\n")
sys.stdout.flush()
sys.stdin.read()
)");
  ASSERT_TRUE(objective);
  EXPECT_THAT(TrainError(*objective), HasSubstr("stdout line 2 answers no request"));
}

TEST_F(BlackboxObjectiveTest, AfterAnErrorEveryCallFailsTheSameWay) {
  auto objective = Start(R"(
q = json.loads(sys.stdin.readline())
print("{}", flush=True)
sys.stdin.read()
)");
  ASSERT_TRUE(objective);
  std::string first = TrainError(*objective);
  EXPECT_THAT(first, HasSubstr("field 'v' is missing"));
  EXPECT_EQ(TrainError(*objective), first);
}

TEST_F(BlackboxObjectiveTest, AProgramThatCannotStartIsNamed) {
  BlackboxOptions options;
  options.argv = {(dir_ / "no-such-program").string()};
  options.stderr_path = dir_ / "stderr.log";
  auto objective = BlackboxObjective::Start(OneParam(), options);
  ASSERT_FALSE(objective.ok());
  EXPECT_THAT(objective.message(), HasSubstr("blackbox: cannot start"));
  EXPECT_THAT(objective.message(), HasSubstr("no-such-program"));
}

}  // namespace
}  // namespace rungs::exec
