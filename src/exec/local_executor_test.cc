#include "exec/local_executor.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace rungs::exec {
namespace {

job::Job JobNumber(uint64_t id) {
  job::Job job;
  job.id = id;
  job.trial = static_cast<uint32_t>(id);
  job.epochs_to = 1;
  return job;
}

job::JobResult Echo(const job::Job& job, const std::atomic<bool>*) {
  job::JobResult r{job.id, job.trial, job.rung, job::Outcome::kOk};
  r.metric = static_cast<double>(job.id) / 10;
  return r;
}

std::vector<job::JobResult> WaitForAll(LocalExecutor& executor, size_t n) {
  std::vector<job::JobResult> all;
  while (all.size() < n) {
    auto some = executor.Wait(5.0);
    EXPECT_TRUE(some.ok());
    if (some->empty()) break;
    all.insert(all.end(), some->begin(), some->end());
  }
  return all;
}

TEST(LocalExecutor, RunsEverySubmittedJobOnce) {
  LocalExecutor executor(3, job::Promotion::kResume, Echo);
  for (uint64_t id = 1; id <= 3; ++id) ASSERT_TRUE(executor.Submit(JobNumber(id)).ok());
  auto results = WaitForAll(executor, 3);
  std::set<uint64_t> ids;
  for (const auto& r : results) {
    ids.insert(r.job);
    EXPECT_DOUBLE_EQ(r.metric, static_cast<double>(r.job) / 10);
  }
  EXPECT_EQ(ids, (std::set<uint64_t>{1, 2, 3}));
}

TEST(LocalExecutor, RefusesMoreJobsThanWorkers) {
  std::atomic<bool> release{false};
  LocalExecutor executor(1, job::Promotion::kResume, [&](const job::Job& job, auto*) {
    while (!release.load()) std::this_thread::yield();
    return Echo(job, nullptr);
  });
  ASSERT_TRUE(executor.Submit(JobNumber(1)).ok());
  Status second = executor.Submit(JobNumber(2));
  EXPECT_FALSE(second.ok());
  EXPECT_NE(second.message().find("busy"), std::string::npos);
  release.store(true);
  EXPECT_EQ(WaitForAll(executor, 1).size(), 1u);
}

TEST(LocalExecutor, AnExceptionBecomesAFailedResult) {
  LocalExecutor executor(1, job::Promotion::kRestart, [](const job::Job&, auto*) -> job::JobResult {
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(executor.Submit(JobNumber(7)).ok());
  auto results = WaitForAll(executor, 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].job, 7u);
  EXPECT_EQ(results[0].outcome, job::Outcome::kFailed);
  EXPECT_EQ(results[0].failure, job::Failure::kInternal);
  EXPECT_NE(results[0].error.find("boom"), std::string::npos);
}

TEST(LocalExecutor, CancelAllStopsRunningJobs) {
  LocalExecutor executor(2, job::Promotion::kResume, [](const job::Job& job, const std::atomic<bool>* cancel) {
    while (!cancel->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    job::JobResult r{job.id, job.trial, job.rung, job::Outcome::kTimeout};
    return r;
  });
  ASSERT_TRUE(executor.Submit(JobNumber(1)).ok());
  ASSERT_TRUE(executor.Submit(JobNumber(2)).ok());
  executor.CancelAll();
  auto results = WaitForAll(executor, 2);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_EQ(r.outcome, job::Outcome::kTimeout);
}

// Threads start as jobs need them: jobs run one after another on 64 workers
// all run on one thread, and three jobs at once each get their own (each
// waits until all three have started; 30 s only bounds a failure).
TEST(LocalExecutor, StartsAThreadOnlyWhenAJobNeedsOne) {
  std::mutex mu;
  std::condition_variable started;
  std::set<std::thread::id> threads;  // GUARDED_BY(mu)
  int running = 0;                    // GUARDED_BY(mu)
  int together = 1;                   // GUARDED_BY(mu): jobs that wait for each other
  LocalExecutor executor(64, job::Promotion::kResume, [&](const job::Job& job, const std::atomic<bool>*) {
    std::unique_lock<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
    ++running;
    started.notify_all();
    bool met = started.wait_for(lock, std::chrono::seconds(30), [&] { return running >= together; });
    job::JobResult r{job.id, job.trial, job.rung, met ? job::Outcome::kOk : job::Outcome::kFailed};
    return r;
  });
  for (uint64_t id = 1; id <= 5; ++id) {
    {
      std::lock_guard<std::mutex> lock(mu);
      running = 0;
    }
    ASSERT_TRUE(executor.Submit(JobNumber(id)).ok());
    ASSERT_EQ(WaitForAll(executor, 1).size(), 1u);
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(threads.size(), 1u);
    running = 0;
    together = 3;
  }
  for (uint64_t id = 6; id <= 8; ++id) ASSERT_TRUE(executor.Submit(JobNumber(id)).ok());
  auto results = WaitForAll(executor, 3);
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) EXPECT_EQ(r.outcome, job::Outcome::kOk) << "job " << r.job;
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(threads.size(), 3u);
}

// CancelAt cancels on the executor's own clock, with no call from the
// driver at that time: a job that runs until it is cancelled comes back
// once the time, moved from far away to now, has come.
TEST(LocalExecutor, CancelAtCancelsRunningJobsByItself) {
  LocalExecutor executor(1, job::Promotion::kResume, [](const job::Job& job, const std::atomic<bool>* cancel) {
    while (!cancel->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return job::ResultFor(job, job::Outcome::kAbandoned, "cancelled");
  });
  executor.CancelAt(1e12);
  ASSERT_TRUE(executor.Submit(JobNumber(1)).ok());
  executor.CancelAt(executor.Now());
  std::vector<job::JobResult> results;
  for (int i = 0; i < 120 && results.empty(); ++i) results = *executor.Wait(0.5);  // bounds a failure only
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, job::Outcome::kAbandoned);
}

TEST(LocalExecutor, WaitTimesOutWhenNothingFinishes) {
  LocalExecutor executor(1, job::Promotion::kResume, Echo);
  auto results = executor.Wait(0.01);
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE(results->empty());
}

}  // namespace
}  // namespace rungs::exec
