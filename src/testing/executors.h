// Test helper: executors that wrap a real one and misbehave on purpose.
#pragma once

#include <vector>

#include "exec/executor.h"

namespace rungs::testing {

// Forwards every call to another executor; subclasses override what they
// break.
class ForwardingExecutor : public exec::Executor {
 public:
  explicit ForwardingExecutor(exec::Executor& inner) : inner_(inner) {}
  int capacity() const override { return inner_.capacity(); }
  job::Promotion promotion() const override { return inner_.promotion(); }
  Status Submit(const job::Job& job) override { return inner_.Submit(job); }
  Result<std::vector<job::JobResult>> Wait(double timeout) override {
    return inner_.Wait(timeout);
  }
  double Now() const override { return inner_.Now(); }

 protected:
  exec::Executor& inner_;
};

// Fails every Wait after `limit` results: the driver dies with jobs running.
class CrashingExecutor : public ForwardingExecutor {
 public:
  CrashingExecutor(exec::Executor& inner, int limit) : ForwardingExecutor(inner), left_(limit) {}
  Result<std::vector<job::JobResult>> Wait(double timeout) override {
    if (left_ <= 0) return Fail("simulated crash");
    Result<std::vector<job::JobResult>> results = inner_.Wait(timeout);
    if (results.ok()) left_ -= int(results->size());
    return results;
  }

 private:
  int left_;
};

}  // namespace rungs::testing
