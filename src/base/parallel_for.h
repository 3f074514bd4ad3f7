// ParallelFor: job(0) .. job(n - 1) on up to `threads` threads (the caller's
// among them), each taking the next index as it finishes one. `job` must not
// throw: an exception on another thread would end the process.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace rungs {

template <class Job>
void ParallelFor(int64_t n, int threads, Job job) {
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t i = next++; i < n; i = next++) job(i);
  };
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < std::min<int64_t>(threads, n); ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

}  // namespace rungs
