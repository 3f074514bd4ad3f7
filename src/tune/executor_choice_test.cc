#include "tune/executor_choice.h"

#include <gtest/gtest.h>

#include "base/memory_limit.h"

namespace rungs::tune {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

TEST(ResolveExecutor, ByDefaultJobsShareOneGibPerWorkerAtLeastTwoWithinHalfTheMachine) {
  const int64_t half = AvailableMemory().bytes / 2;
  TuneSpec spec;
  for (int workers : {1, 2, 4}) {
    spec.workers = workers;
    Result<ExecutorSettings> settings = ResolveExecutor(spec);
    ASSERT_TRUE(settings.ok()) << settings.message();
    EXPECT_EQ(settings->memory_bytes, half);
    EXPECT_EQ(settings->side_by_side_bytes, std::min(half, std::max<int64_t>(2, workers) * kGiB))
        << workers << " workers";
  }
}

TEST(ResolveExecutor, AGivenBudgetIsSharedWhole) {
  TuneSpec spec;
  spec.workers = 2;
  spec.memory = "5G";
  Result<ExecutorSettings> settings = ResolveExecutor(spec);
  ASSERT_TRUE(settings.ok()) << settings.message();
  EXPECT_EQ(settings->memory_bytes, 5 * kGiB);
  EXPECT_EQ(settings->side_by_side_bytes, 5 * kGiB);
}

TEST(JobMemoryLimits, TheShareAndTheBudgetLeaveOutTheDataAndTheAllocatorsPart) {
  ExecutorSettings settings;
  settings.memory_bytes = 64 * kGiB;
  settings.side_by_side_bytes = 8 * kGiB;
  settings.memory_source = "a test";
  Result<exec::MemoryLimits> limits = JobMemoryLimits(settings, TuneSpec{});
  ASSERT_TRUE(limits.ok()) << limits.message();
  // What the process holds may move by a few pages between two reads.
  const double resident = double(ResidentBytes()), slack = 64 << 20;
  EXPECT_NEAR(double(limits->total), (64 * kGiB - resident) * (1 - kUnpredictedShare), slack);
  EXPECT_NEAR(double(limits->side_by_side), (8 * kGiB - resident) * (1 - kUnpredictedShare), slack);
}

}  // namespace
}  // namespace rungs::tune
