#include "base/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace rungs {
namespace {

TEST(ParallelFor, RunsEveryIndexOnceOnUpToTheThreadsGiven) {
  std::vector<std::atomic<int>> runs(1000);
  std::mutex mu;
  std::set<std::thread::id> threads;
  ParallelFor(1000, 3, [&](int64_t i) {
    ++runs[i];
    std::lock_guard<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
  });
  for (const std::atomic<int>& r : runs) EXPECT_EQ(r.load(), 1);
  EXPECT_LE(threads.size(), 3u);
}

TEST(ParallelFor, NothingToDoRunsNothing) {
  int runs = 0;
  ParallelFor(0, 4, [&](int64_t) { ++runs; });
  EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace rungs
