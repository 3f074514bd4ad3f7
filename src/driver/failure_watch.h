// FailureWatch: notices an experiment whose jobs keep failing, so that the
// loop stops starting jobs and ends with the error instead of spending its
// whole budget on it (a 10 s budget once ran 100,000 trials that all failed
// on unreadable data). It holds after kSameErrorInARow failed results in a
// row with the same error (errors that differ only in their numbers, such as
// a job's log file, are the same), or once at least kDominantAfter results have come
// back and kDominantShare of them failed. Only kFailed counts: a timeout or a
// diverged trial is an outcome of the search. Not thread-safe (the loop's
// thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "job/job.h"

namespace rungs::driver {

class FailureWatch {
 public:
  static constexpr uint64_t kSameErrorInARow = 10;
  static constexpr uint64_t kDominantAfter = 50;
  static constexpr double kDominantShare = 0.9;

  void Add(const job::JobResult& result);

  // Once the rule holds: why to stop, quoting the last error.
  std::optional<std::string> Verdict() const;

 private:
  uint64_t results_ = 0;
  uint64_t failed_ = 0;
  uint64_t same_in_a_row_ = 0;  // failed results in a row shaped last_shape_
  std::string last_error_;
  std::string last_shape_;      // last_error_ with each run of digits as '#'

};

}  // namespace rungs::driver
