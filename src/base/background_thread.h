// BackgroundThread: one thread that runs posted tasks one at a time, in the
// order they were posted, so that slow work (counting a corpus) leaves the
// posting thread free. Post is thread-safe. The destructor lets the task
// that is running finish and drops those not started.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace rungs {

class BackgroundThread {
 public:
  BackgroundThread();
  ~BackgroundThread();
  BackgroundThread(const BackgroundThread&) = delete;
  BackgroundThread& operator=(const BackgroundThread&) = delete;

  void Post(std::function<void()> task);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::thread thread_;                       // last: it starts once the rest is made
};

}  // namespace rungs
