#include "exec/local_executor.h"

#include <algorithm>
#include <exception>
#include <string>

namespace rungs::exec {

LocalExecutor::LocalExecutor(int workers, job::Promotion promotion, RunJob run)
    : workers_(workers < 1 ? 1 : workers),
      promotion_(promotion),
      run_(std::move(run)),
      start_(std::chrono::steady_clock::now()) {}

LocalExecutor::~LocalExecutor() {
  CancelAll();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  cancel_at_moved_.notify_all();
  for (std::thread& t : threads_) t.join();
  if (watch_.joinable()) watch_.join();
}

void LocalExecutor::CancelAt(double seconds) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancel_at_ = seconds;
  }
  cancel_at_moved_.notify_all();
  if (!watch_.joinable()) watch_ = std::thread([this] { WatchCancelAt(); });
}

void LocalExecutor::WatchCancelAt() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const double left = cancel_at_ - Now();
    if (left <= 0) {
      CancelAll();
      return;
    }
    // At most an hour at a time: a far deadline's duration would overflow.
    cancel_at_moved_.wait_for(lock, std::chrono::duration<double>(std::min(left, 3600.0)));
  }
}

Status LocalExecutor::Submit(const job::Job& job) {
  bool start_thread = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (outstanding_ >= workers_) {
      return Fail("local executor: all " + std::to_string(workers_) + " workers are busy");
    }
    queue_.push_back(job);
    ++outstanding_;
    start_thread = outstanding_ > static_cast<int>(threads_.size());
  }
  // A thread per job at once, started when first needed: many more workers
  // than cores (or than the budget lets start) cost no idle threads.
  if (start_thread) threads_.emplace_back([this] { WorkerLoop(); });
  work_ready_.notify_one();
  return Status::Ok();
}

Result<std::vector<job::JobResult>> LocalExecutor::Wait(double timeout_seconds) {
  std::unique_lock<std::mutex> lock(mu_);
  result_ready_.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                         [this] { return !done_.empty() || outstanding_ == 0; });
  std::vector<job::JobResult> results;
  results.swap(done_);
  return results;
}

double LocalExecutor::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void LocalExecutor::WorkerLoop() {
  while (true) {
    job::Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left to run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job::JobResult result;
    try {
      result = run_(job, &cancel_);
    } catch (const std::exception& e) {
      result = job::FailedResult(job, job::Failure::kInternal, std::string("internal error: ") + e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_.push_back(std::move(result));
      --outstanding_;
    }
    result_ready_.notify_all();
  }
}

}  // namespace rungs::exec
