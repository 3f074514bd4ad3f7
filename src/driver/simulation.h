// Simulation: runs a scheduler with a simulated executor
// (exec/simulated_executor.h) against the synthetic objective over its
// 11-parameter space, or against a blackbox program over a space of its own
// (driver/simulation_objective.h), with an optional journal, and measures
// the scheduler's cost. What `rungs simulate`, bench/scheduler and
// bench/lcbench run. Not thread-safe; one call at a time per process (memory
// is measured process-wide).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "job/job.h"

namespace rungs::driver {

struct SimulationOptions {
  std::string scheduler = "asha-tpe";  // a sched::MakeScheduler method (its default)
  // More scheduler options, a JSON object as the journal keeps them
  // (driver/options_json.h); the flags below decide the fields they set.
  std::string scheduler_options = "{}";
  int workers = 100;                   // jobs at once, 1..10,000,000
  uint64_t jobs = 10000;               // stop after this many jobs in total (resumed: the new
                                       // total), 1..2^63-1
  int64_t budget_epochs = 0;           // total epochs trained; 0: no limit
  double budget_seconds = 0;           // no job starts after this virtual time; 0: no limit
  uint64_t seed = 1;
  std::string journal;                 // SQLite journal path; empty: none
  bool resume = false;                 // continue the journal at `journal`
  int min_epochs = 1;
  int max_epochs = 27;
  int eta = 3;
  job::Promotion promotion = job::Promotion::kResume;
  double failure_rate = 0;             // [0, 1); synthetic objective only
  double noise = 0.005;                // [0, 1]; synthetic objective only
  // A program speaking doc/blackbox-protocol.md, as one command line (run
  // without a shell); empty: the synthetic objective.
  std::string blackbox;
  std::string space;                   // its search space, a TOML file (doc/space.md)
  double blackbox_timeout = 60;        // seconds to wait for one of its answers
};

// Runs the simulation and returns its report: trials, jobs, results,
// us_per_decision (wall time inside Scheduler::Next and Report per call),
// us_per_job, us_per_decision_at_trials (the same between 10^k / 2 and 10^k
// trials), bytes_per_trial (growth of malloc's in-use bytes per trial),
// best, virtual_seconds, wall_seconds, the objective (the synthetic optimum,
// or the blackbox's requests, exchanges and seconds) and, with a journal,
// its throughput.
// Bad options and journal problems come back as errors naming them.
Result<nlohmann::json> RunSimulation(const SimulationOptions& options);

}  // namespace rungs::driver
