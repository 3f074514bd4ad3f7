#include "exec/local_executor.h"

#include <gtest/gtest.h>

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

TEST(LocalExecutor, WaitTimesOutWhenNothingFinishes) {
  LocalExecutor executor(1, job::Promotion::kResume, Echo);
  auto results = executor.Wait(0.01);
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE(results->empty());
}

}  // namespace
}  // namespace rungs::exec
