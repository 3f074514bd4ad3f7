// Test helper: ToyScheduler, a small deterministic successive-halving
// scheduler for the driver's tests, so they do not depend on the real schedulers' tuning.
// Three rungs (1, 2, 4 epochs), top half promoted, `max_trials` trials,
// new configurations random in [0,1]^2 or, once evolution is on, the best
// configuration nudged. It counts reports per job, so tests can check that
// no result reaches it twice. O(trials) per call: for tests only.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "sched/scheduler.h"

namespace rungs::testing {

class ToyScheduler : public sched::Scheduler {
 public:
  ToyScheduler(uint32_t max_trials, uint64_t seed) : max_trials_(max_trials), rng_(seed) {}

  std::optional<job::Job> Next(double /*now*/) override {
    for (int rung = 0; rung + 1 < kRungs; ++rung) {
      if (std::optional<uint32_t> trial = Promotable(rung)) {
        promoted_[rung].push_back(*trial);
        return Issue(*trial, rung + 1, configs_[*trial]);
      }
    }
    if (configs_.size() >= max_trials_) return std::nullopt;
    std::uniform_real_distribution<double> unit(0, 1);
    space::Config config = {unit(rng_), unit(rng_)};
    if (evolution_ && best()) {
      std::normal_distribution<double> noise(0, 0.05);
      config = best()->config;
      for (double& v : config) v = std::clamp(v + noise(rng_), 0.0, 1.0);
    }
    configs_.push_back(config);
    return Issue(uint32_t(configs_.size() - 1), 0, config);
  }

  void Report(const job::JobResult& result, double /*now*/) override {
    ++reports_[result.job];
    --outstanding_;
    double metric = result.outcome == job::Outcome::kOk && !std::isnan(result.metric)
                        ? result.metric
                        : -1e9;
    results_[result.rung].emplace_back(metric, result.trial);
  }

  bool Done() const override {
    if (configs_.size() < max_trials_ || outstanding_ > 0) return false;
    for (int rung = 0; rung + 1 < kRungs; ++rung) {
      if (Promotable(rung)) return false;
    }
    return true;
  }

  std::optional<sched::Best> best() const override {
    for (int rung = kRungs - 1; rung >= 0; --rung) {
      if (results_[rung].empty()) continue;
      auto top = std::max_element(results_[rung].begin(), results_[rung].end());
      sched::Best b;
      b.trial = top->second;
      b.rung = rung;
      b.epochs = Epochs(rung);
      b.metric = top->first;
      b.config = configs_[top->second];
      return b;
    }
    return std::nullopt;
  }

  Status EnableEvolution(double /*now*/) override {
    evolution_ = true;
    return Status::Ok();
  }

  // The toy's budget is its trials.
  void SetBudget(const sched::BudgetLimits& limits) override {
    max_trials_ = uint32_t(limits.trials);
  }
  void CheckpointsLost() override {}

  // How often each job id was reported.
  const std::map<uint64_t, int>& reports() const { return reports_; }
  uint32_t trials() const { return uint32_t(configs_.size()); }

 private:
  static constexpr int kRungs = 3;
  static int Epochs(int rung) { return 1 << rung; }

  job::Job Issue(uint32_t trial, int rung, const space::Config& config) {
    job::Job job;
    job.id = ++last_id_;
    job.trial = trial;
    job.rung = rung;
    job.epochs_from = rung == 0 ? 0 : Epochs(rung - 1);
    job.epochs_to = Epochs(rung);
    job.lr_scale = rung == 0 ? 1.0 : 0.5;
    job.config = config;
    ++outstanding_;
    return job;
  }

  // A trial in the top half of `rung` (by results so far) not yet promoted.
  std::optional<uint32_t> Promotable(int rung) const {
    std::vector<std::pair<double, uint32_t>> sorted = results_[rung];
    std::sort(sorted.rbegin(), sorted.rend());
    size_t top = sorted.size() / 2;
    for (size_t i = 0; i < top; ++i) {
      const auto& done = promoted_[rung];
      if (std::find(done.begin(), done.end(), sorted[i].second) == done.end()) {
        return sorted[i].second;
      }
    }
    return std::nullopt;
  }

  uint32_t max_trials_;
  std::mt19937_64 rng_;
  bool evolution_ = false;
  uint64_t last_id_ = 0;
  int outstanding_ = 0;
  std::vector<space::Config> configs_;
  std::vector<std::pair<double, uint32_t>> results_[kRungs];
  std::vector<uint32_t> promoted_[kRungs];
  std::map<uint64_t, int> reports_;
};

}  // namespace rungs::testing
