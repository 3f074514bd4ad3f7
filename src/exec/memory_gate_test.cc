#include "exec/memory_gate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace rungs::exec {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

TEST(DecideMemory, StartsWhatFitsBesideTheRunningJobs) {
  MemoryLimits limits{.total = 100 * kMiB};
  EXPECT_EQ(DecideMemory(limits, {60 * kMiB}, 40 * kMiB, 0).admission, Admission::kStart);
  EXPECT_EQ(DecideMemory(limits, {60 * kMiB}, 40 * kMiB, 0).release, 0);
}

TEST(DecideMemory, WaitsWhenItFitsAloneButNotBesideTheRunningJobs) {
  MemoryLimits limits{.total = 100 * kMiB};
  EXPECT_EQ(DecideMemory(limits, {61 * kMiB}, 40 * kMiB, 0).admission, Admission::kWait);
}

TEST(DecideMemory, RefusesWhatCannotFitEvenAlone) {
  MemoryLimits limits{.total = 100 * kMiB};
  EXPECT_EQ(DecideMemory(limits, {101 * kMiB}, 0, 0).admission, Admission::kRefuse);
  MemoryLimits lambda{.per_job = 64 * kMiB};
  EXPECT_EQ(DecideMemory(lambda, {65 * kMiB}, 0, 0).admission, Admission::kRefuse);
  EXPECT_EQ(DecideMemory(lambda, {64 * kMiB}, 1000 * kMiB, 0).admission, Admission::kStart);
}

TEST(DecideMemory, SpillsHeldCheckpointsToMakeRoom) {
  MemoryLimits limits{.total = 100 * kMiB};
  // 30 running + 50 held: 20 free; a 45 MiB job starts once 25 MiB are released.
  MemoryDecision d = DecideMemory(limits, {45 * kMiB}, 30 * kMiB, 50 * kMiB);
  EXPECT_EQ(d.admission, Admission::kStart);
  EXPECT_EQ(d.release, 25 * kMiB);
  // Its own checkpoint (10 MiB of the held) is not new memory.
  d = DecideMemory(limits, {45 * kMiB, 10 * kMiB}, 30 * kMiB, 50 * kMiB);
  EXPECT_EQ(d.release, 15 * kMiB);
  // Spilling everything is not enough beside 60 running: wait.
  EXPECT_EQ(DecideMemory(limits, {45 * kMiB}, 60 * kMiB, 50 * kMiB).admission, Admission::kWait);
}

TEST(DecideMemory, WithinASideBySideShareALargerJobRunsAlone) {
  MemoryLimits limits{.total = 100 * kMiB, .side_by_side = 50 * kMiB};
  // Side by side within 50 MiB: 20 beside 30 starts, 21 waits.
  EXPECT_EQ(DecideMemory(limits, {20 * kMiB}, 30 * kMiB, 0).admission, Admission::kStart);
  EXPECT_EQ(DecideMemory(limits, {21 * kMiB}, 30 * kMiB, 0).admission, Admission::kWait);
  // A 60 MiB job waits for every running job, then has the whole budget,
  // freeing what is held beyond it.
  EXPECT_EQ(DecideMemory(limits, {60 * kMiB}, 1 * kMiB, 0).admission, Admission::kWait);
  MemoryDecision alone = DecideMemory(limits, {60 * kMiB}, 0, 50 * kMiB);
  EXPECT_EQ(alone.admission, Admission::kStart);
  EXPECT_EQ(alone.release, 10 * kMiB);
  // While it runs, even a small job waits; beyond the total it is refused.
  EXPECT_EQ(DecideMemory(limits, {1 * kMiB}, 60 * kMiB, 0).admission, Admission::kWait);
  EXPECT_EQ(DecideMemory(limits, {101 * kMiB}, 0, 0).admission, Admission::kRefuse);
  // Held checkpoints count against the share: 20 beside 10 running and 30 held frees 10.
  EXPECT_EQ(DecideMemory(limits, {20 * kMiB}, 10 * kMiB, 30 * kMiB).release, 10 * kMiB);
}

TEST(DecideMemory, NoLimitStartsEverything) {
  EXPECT_EQ(DecideMemory({}, {int64_t{1} << 50}, int64_t{1} << 50, 0).admission, Admission::kStart);
}

// An executor whose jobs finish when the test says so.
class ManualExecutor : public Executor {
 public:
  int capacity() const override { return 4; }
  job::Promotion promotion() const override { return job::Promotion::kResume; }
  Status Submit(const job::Job& job) override {
    started.push_back(job.id);
    running.insert(job.id);
    return Status::Ok();
  }
  Result<std::vector<job::JobResult>> Wait(double) override {
    std::vector<job::JobResult> out;
    out.swap(finished);
    return out;
  }
  double Now() const override { return 0; }
  void Finish(uint64_t id) {
    running.erase(id);
    finished.push_back(job::ResultFor(job::Job{.id = id}, job::Outcome::kOk));
  }
  std::vector<uint64_t> started;
  std::set<uint64_t> running;
  std::vector<job::JobResult> finished;
};

job::Job GatedJob(uint64_t id) { return job::Job{.id = id, .trial = uint32_t(id)}; }

struct Gated {
  explicit Gated(int64_t total, std::map<uint64_t, int64_t> needs)
      : needs(std::move(needs)),
        gate(inner, MemoryLimits{.total = total},
             {.predict = [this](const job::Job& j) { return JobMemory{this->needs.at(j.id)}; },
              .describe = [](const job::Job& j) { return "{\"trial\":" + std::to_string(j.trial) + "}"; }}) {}
  std::map<uint64_t, int64_t> needs;
  ManualExecutor inner;
  MemoryGate gate;
};

TEST(MemoryGate, WithATinyBudgetRunsJobsOneAfterTheOtherInOrder) {
  Gated g(10 * kMiB, {{1, 6 * kMiB}, {2, 6 * kMiB}, {3, 2 * kMiB}});
  for (uint64_t id : {1, 2, 3}) ASSERT_TRUE(g.gate.Submit(GatedJob(id)).ok());
  // Job 2 waits for job 1; job 3 would fit but does not overtake job 2.
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{1}));
  EXPECT_EQ(g.gate.waiting(), 2u);
  EXPECT_EQ(g.gate.running_bytes(), 6 * kMiB);
  g.inner.Finish(1);
  Result<std::vector<job::JobResult>> done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(g.gate.running_bytes(), 8 * kMiB);
}

TEST(MemoryGate, RefusesAJobThatCannotFitAloneWithTheReasonAndGoesOn) {
  Gated g(10 * kMiB, {{1, 11 * kMiB}, {2, 3 * kMiB}});
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  ASSERT_TRUE(g.gate.Submit(GatedJob(2)).ok());
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{2}));
  Result<std::vector<job::JobResult>> done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  const job::JobResult& refused = done->front();
  EXPECT_EQ(refused.job, 1u);
  EXPECT_EQ(refused.outcome, job::Outcome::kRefused);
  EXPECT_NE(refused.error.find("{\"trial\":1}"), std::string::npos) << refused.error;
  EXPECT_NE(refused.error.find("needs 11.0 MB"), std::string::npos) << refused.error;
  EXPECT_NE(refused.error.find("--memory"), std::string::npos) << refused.error;
  EXPECT_NE(refused.error.find("10.0 MB"), std::string::npos) << refused.error;
}

TEST(MemoryGate, ABudgetSmallerThanEveryJobIsAnErrorNamingIt) {
  std::map<uint64_t, int64_t> needs;
  for (uint64_t id = 1; id <= 40; ++id) needs[id] = (5 + int64_t(id)) * kMiB;
  Gated g(4 * kMiB, needs);
  Status status = Status::Ok();
  for (uint64_t id = 1; id <= 40 && status.ok(); ++id) {
    status = g.gate.Submit(GatedJob(id));
    if (status.ok()) {
      ASSERT_TRUE(g.gate.Wait(0).ok());
    }
  }
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--memory"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("smallest needing 6.00 MB"), std::string::npos)
      << status.message();
  EXPECT_TRUE(g.inner.started.empty());
}

TEST(MemoryGate, SpillsHeldCheckpointsOrRefusesWhenTheSpillFails) {
  ManualExecutor inner;
  int64_t held = 8 * kMiB;
  std::vector<int64_t> asked;
  bool disk_full = false;
  MemoryGate gate(inner, MemoryLimits{.total = 10 * kMiB},
                  {.predict = [](const job::Job&) { return JobMemory{5 * kMiB}; },
                   .held = [&] { return held; },
                   .release = [&](int64_t bytes) -> Status {
                     asked.push_back(bytes);
                     if (disk_full) return Fail("cannot write x.ckpt: No space left on device");
                     held -= bytes;
                     return Status::Ok();
                   }});
  ASSERT_TRUE(gate.Submit(GatedJob(1)).ok());
  EXPECT_EQ(asked, (std::vector<int64_t>{3 * kMiB}));
  EXPECT_EQ(inner.started, (std::vector<uint64_t>{1}));
  inner.Finish(1);
  ASSERT_TRUE(gate.Wait(0).ok());
  held = 8 * kMiB;
  disk_full = true;
  ASSERT_TRUE(gate.Submit(GatedJob(2)).ok());
  Result<std::vector<job::JobResult>> done = gate.Wait(0);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ(done->front().outcome, job::Outcome::kRefused);
  EXPECT_NE(done->front().error.find("No space left on device"), std::string::npos);
}

TEST(MemoryGate, WaitsWhenWhatIsReleasedIsNotEnoughBesideTheRunningJobs) {
  ManualExecutor inner;
  int64_t held = 6 * kMiB;
  int64_t in_use = 4 * kMiB;  // held, but a running job uses it: release cannot free it
  MemoryGate gate(inner, MemoryLimits{.total = 10 * kMiB},
                  {.predict = [](const job::Job&) { return JobMemory{3 * kMiB}; },
                   .held = [&] { return held; },
                   .release = [&](int64_t) -> Status {
                     held = in_use;
                     return Status::Ok();
                   }});
  ASSERT_TRUE(gate.Submit(GatedJob(1)).ok());  // 3 running + 6 held: fits
  ASSERT_TRUE(gate.Submit(GatedJob(2)).ok());  // starts once 2 of the held are freed
  EXPECT_EQ(inner.started, (std::vector<uint64_t>{1, 2}));
  ASSERT_TRUE(gate.Submit(GatedJob(3)).ok());  // 6 running + 4 held in use: waits
  EXPECT_EQ(inner.started, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(gate.waiting(), 1u);
  inner.Finish(1);
  in_use = 0;
  ASSERT_TRUE(gate.Wait(0).ok());
  EXPECT_EQ(inner.started, (std::vector<uint64_t>{1, 2, 3}));
}

// A gate whose predictions are bounds, with the exact needs behind them.
struct Bounded {
  Bounded(MemoryLimits limits, std::map<uint64_t, std::pair<int64_t, int64_t>> needs)
      : needs(std::move(needs)),
        gate(inner, std::move(limits),
             {.predict = [this](const job::Job& j) {
                return JobMemory{this->needs.at(j.id).first, 0, true};
              },
              .refine = [this](const job::Job& j) -> std::optional<JobMemory> {
                std::lock_guard<std::mutex> lock(mu);
                if (counting.count(j.id)) return std::nullopt;
                refined.push_back(j.id);
                return JobMemory{this->needs.at(j.id).second};
              }}) {}
  std::map<uint64_t, std::pair<int64_t, int64_t>> needs;  // id -> bound, exact
  std::mutex mu;
  std::set<uint64_t> counting;  // jobs whose exact need is not counted yet; GUARDED_BY(mu)
  std::vector<uint64_t> refined;
  ManualExecutor inner;
  MemoryGate gate;
};

TEST(MemoryGate, ABoundThatFitsStartsTheJobWithoutTheExactNeed) {
  Bounded g({.total = 10 * kMiB}, {{1, {4 * kMiB, 1 * kMiB}}, {2, {5 * kMiB, 1 * kMiB}}});
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  ASSERT_TRUE(g.gate.Submit(GatedJob(2)).ok());
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(g.refined.empty());
  EXPECT_EQ(g.gate.running_bytes(), 9 * kMiB);
}

TEST(MemoryGate, WhenABoundDoesNotFitItAndThenTheRunningJobsBoundsAreMadeExact) {
  Bounded g({.total = 10 * kMiB}, {{1, {6 * kMiB, 2 * kMiB}}, {2, {6 * kMiB, 5 * kMiB}}});
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  ASSERT_TRUE(g.gate.Submit(GatedJob(2)).ok());
  // 6 + 5 does not fit either; 2 + 5 does.
  EXPECT_EQ(g.refined, (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(g.gate.running_bytes(), 7 * kMiB);
  // Their reservations are the exact needs from now on.
  g.inner.Finish(1);
  ASSERT_TRUE(g.gate.Wait(0).ok());
  EXPECT_EQ(g.gate.running_bytes(), 5 * kMiB);
}

TEST(MemoryGate, ARefusalIsDecidedAndReportedOnTheExactNeed) {
  Bounded g({.total = 10 * kMiB}, {{1, {20 * kMiB, 3 * kMiB}}, {2, {20 * kMiB, 11 * kMiB}}});
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{1}));
  ASSERT_TRUE(g.gate.Submit(GatedJob(2)).ok());
  Result<std::vector<job::JobResult>> done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ(done->front().outcome, job::Outcome::kRefused);
  EXPECT_NE(done->front().error.find("needs 11.0 MB"), std::string::npos) << done->front().error;
}

TEST(MemoryGate, ARefusalLeavesTheRunningJobsBoundsAlone) {
  // As on Lambda: one limit per job, none on the total; a refusal does not
  // depend on the running jobs, so their bounds are not counted exactly.
  Bounded g({.per_job = 10 * kMiB}, {{1, {4 * kMiB, 1 * kMiB}}, {2, {20 * kMiB, 11 * kMiB}}});
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  ASSERT_TRUE(g.gate.Submit(GatedJob(2)).ok());
  EXPECT_EQ(g.refined, (std::vector<uint64_t>{2}));
  EXPECT_EQ(g.gate.running_bytes(), 4 * kMiB);
  Result<std::vector<job::JobResult>> done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ(done->front().outcome, job::Outcome::kRefused);
}

TEST(MemoryGate, WithinATotalBudgetAJobBeingCountedHoldsUpThoseBehindIt) {
  Bounded g({.total = 10 * kMiB}, {{1, {20 * kMiB, 6 * kMiB}}, {2, {2 * kMiB, 1 * kMiB}}});
  g.counting = {1};
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  ASSERT_TRUE(g.gate.Submit(GatedJob(2)).ok());
  EXPECT_TRUE(g.inner.started.empty());  // job 2 fits, but jobs start in order
  Result<std::vector<job::JobResult>> done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->empty());
  EXPECT_TRUE(g.inner.started.empty());
  g.counting.clear();  // counted: the next Wait starts both
  done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(g.gate.running_bytes(), 8 * kMiB);
}

TEST(MemoryGate, WithALimitPerJobOnlyJobsGoPastOneBeingCounted) {
  Bounded g({.per_job = 10 * kMiB},
            {{1, {20 * kMiB, 11 * kMiB}}, {2, {2 * kMiB, 1 * kMiB}}, {3, {20 * kMiB, 3 * kMiB}}});
  g.counting = {1, 3};
  for (uint64_t id : {1, 2, 3}) ASSERT_TRUE(g.gate.Submit(GatedJob(id)).ok());
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{2}));
  EXPECT_EQ(g.gate.waiting(), 2u);
  g.counting = {1};
  Result<std::vector<job::JobResult>> done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->empty());
  EXPECT_EQ(g.inner.started, (std::vector<uint64_t>{2, 3}));
  g.counting.clear();
  done = g.gate.Wait(0);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ(done->front().job, 1u);
  EXPECT_EQ(done->front().outcome, job::Outcome::kRefused);
}

TEST(MemoryGate, WaitReturnsWhenACountEndsWithNothingRunning) {
  Bounded g({.per_job = 10 * kMiB}, {{1, {20 * kMiB, 11 * kMiB}}});
  g.counting = {1};
  ASSERT_TRUE(g.gate.Submit(GatedJob(1)).ok());
  // The count ends while Wait polls: its refusal comes back at once, not at
  // the end of the hour.
  std::thread counted([&g] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(g.mu);
    g.counting.clear();
  });
  Result<std::vector<job::JobResult>> done = g.gate.Wait(3600);
  counted.join();
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ(done->front().outcome, job::Outcome::kRefused);
}

}  // namespace
}  // namespace rungs::exec
