// Shared pieces of the driver's tests: a temporary journal file, the toy
// objective, and executor wrappers that misbehave on purpose.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "driver/options_json.h"
#include "exec/simulated_executor.h"
#include "exec/simulation_space.h"
#include "exec/synthetic_objective.h"
#include "store/journal.h"

namespace rungs::driver::testing {

// A directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("rungs_driver_test_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline exec::SyntheticObjective ToyObjective(uint64_t seed = 7) {
  exec::ObjectiveOptions options;
  options.seed = seed;
  std::vector<exec::Dimension> dims = {{exec::Dimension::Kind::kLinear, 0, 1, 0},
                                       {exec::Dimension::Kind::kLinear, 0, 1, 0}};
  return exec::SyntheticObjective(std::move(dims), options);
}

inline store::ExperimentRecord ToyExperiment(uint64_t seed) {
  store::ExperimentRecord e;
  e.id = "toy";
  e.name = "toy";
  e.space_toml = "# two unit parameters";
  e.scheduler = "toy";
  e.options_json = "{}";
  e.seed = seed;
  return e;
}

// An experiment for a real scheduler (sched::MakeScheduler's `method`) on
// the simulation space: rungs up to 9 epochs, at most `max_trials` trials.
inline store::ExperimentRecord SimulationExperiment(const std::string& method, int64_t max_trials,
                                                    uint64_t seed) {
  sched::Options options;
  options.max_epochs = 9;
  options.max_trials = max_trials;
  store::ExperimentRecord r;
  r.id = "sim-" + method;
  r.name = r.id;
  r.space_toml = exec::SimulationSpaceToml();
  r.scheduler = method;
  r.options_json = OptionsToJson(options).dump();
  r.seed = seed;
  return r;
}

// Forwards to another executor; subclasses override what they break.
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

}  // namespace rungs::driver::testing
