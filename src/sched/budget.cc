#include "sched/budget.h"

#include <algorithm>

namespace rungs::sched {

bool Budget::Fits(int64_t epochs, bool new_trial, double now) const {
  if (Expired(now)) return false;
  if (new_trial && !trials_left()) return false;
  return epochs_ == 0 || spent_ + reserved_ + epochs <= epochs_;
}

void Budget::Reserve(int64_t epochs, bool new_trial) {
  reserved_ += epochs;
  if (new_trial) ++started_;
}

void Budget::Settle(int64_t reserved, int64_t trained) {
  reserved_ -= reserved;
  spent_ += std::max<int64_t>(trained, 0);
}

double Budget::Fraction(double now) const {
  double t = 0;
  if (epochs_ > 0) t = std::max(t, static_cast<double>(spent_) / epochs_);
  if (trials_ > 0) t = std::max(t, static_cast<double>(started_) / trials_);
  if (seconds_ > 0) t = std::max(t, now / seconds_);
  return std::clamp(t, 0.0, 1.0);
}

}  // namespace rungs::sched
