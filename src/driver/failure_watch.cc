#include "driver/failure_watch.h"

namespace rungs::driver {
namespace {

std::string Shape(const std::string& error) {
  std::string shape;
  for (char c : error) {
    const bool digit = c >= '0' && c <= '9';
    if (!digit) {
      shape += c;
    } else if (shape.empty() || shape.back() != '#') {
      shape += '#';
    }
  }
  return shape;
}

}  // namespace

void FailureWatch::Add(const job::JobResult& result) {
  ++results_;
  if (result.outcome != job::Outcome::kFailed) {
    same_in_a_row_ = 0;
    return;
  }
  ++failed_;
  std::string shape = Shape(result.error);
  same_in_a_row_ = same_in_a_row_ > 0 && shape == last_shape_ ? same_in_a_row_ + 1 : 1;
  last_error_ = result.error;
  last_shape_ = std::move(shape);
}

std::optional<std::string> FailureWatch::Verdict() const {
  if (same_in_a_row_ >= kSameErrorInARow) {
    return std::to_string(same_in_a_row_) + " jobs in a row failed with: " + last_error_;
  }
  if (results_ >= kDominantAfter && double(failed_) >= kDominantShare * double(results_)) {
    return std::to_string(failed_) + " of " + std::to_string(results_) +
           " jobs failed; the last with: " + last_error_;
  }
  return std::nullopt;
}

}  // namespace rungs::driver
