#include "sched/brackets.h"

#include <algorithm>
#include <cmath>

namespace rungs::sched {

Brackets::Brackets(const Options& o, int count)
    : s0_(o.early_stopping_rate), gamma_(o.lr_gamma) {
  for (int b = 0; b < count; ++b) {
    int64_t epochs = o.min_epochs;
    for (int i = 0; i < s0_ + b; ++i) epochs = std::min<int64_t>(epochs * o.eta, o.max_epochs);
    std::vector<int> rungs;
    for (;;) {
      rungs.push_back(static_cast<int>(std::min<int64_t>(epochs, o.max_epochs)));
      if (rungs.back() >= o.max_epochs) break;
      epochs *= o.eta;
    }
    epochs_.push_back(std::move(rungs));
  }
  for (const auto& rungs : epochs_) {
    level_epochs_.insert(level_epochs_.end(), rungs.begin(), rungs.end());
  }
  std::sort(level_epochs_.begin(), level_epochs_.end());
  level_epochs_.erase(std::unique(level_epochs_.begin(), level_epochs_.end()),
                      level_epochs_.end());
  for (const auto& rungs : epochs_) {
    std::vector<int> levels;
    for (int e : rungs) {
      levels.push_back(static_cast<int>(
          std::lower_bound(level_epochs_.begin(), level_epochs_.end(), e) -
          level_epochs_.begin()));
    }
    levels_.push_back(std::move(levels));
  }
}

int Brackets::EpochsFrom(int bracket, int rung, job::Promotion mode) const {
  if (rung == 0 || mode == job::Promotion::kRestart) return 0;
  return epochs_[bracket][rung - 1];
}

int Brackets::Cost(int bracket, int rung, job::Promotion mode) const {
  return epochs_[bracket][rung] - EpochsFrom(bracket, rung, mode);
}

double Brackets::LrScale(int rung) const { return std::pow(gamma_, rung); }

job::Job Brackets::JobFor(uint64_t id, uint32_t trial, int bracket, int rung, job::Promotion mode,
                          const space::Config& config) const {
  return job::Job{.id = id,
                  .trial = trial,
                  .bracket = bracket,
                  .rung = rung,
                  .epochs_from = EpochsFrom(bracket, rung, mode),
                  .epochs_to = epochs_[bracket][rung],
                  .lr_scale = LrScale(rung),
                  .config = config};
}

}  // namespace rungs::sched
