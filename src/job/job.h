// Job and JobResult: what the scheduler hands out and what comes back.
//
// The same two records travel to every executor (local threads, Lambda,
// simulation) and into the journal; doc/job-protocol.md gives their JSON form.
// They are the contract between the scheduler and everything that runs jobs,
// so they live apart from both: executors, trials, workers and the journal
// need no scheduler to speak it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "space/config.h"

namespace rungs::job {

// How a promoted trial continues: from its checkpoint, or retrained from
// scratch to the new rung's epochs (stateless workers such as Lambda). An
// executor declares it and the scheduler shapes its jobs to it (epochs_from).
enum class Promotion { kResume, kRestart };

struct Job {
  uint64_t id = 0;        // unique within an experiment, never reused
  uint32_t trial = 0;     // the configuration being trained
  int bracket = 0;        // index into the scheduler's brackets (0 without brackets)
  int rung = 0;           // rung within the bracket: 0 is the bracket's bottom rung
  int epochs_from = 0;    // epochs already in the checkpoint (0: start from scratch)
  int epochs_to = 0;      // train until this many epochs in total
  double lr_scale = 1.0;  // multiply the configuration's learning rate by this (gamma^rung)
  space::Config config;
};

// kRefused: never started, as it would not fit the memory limits (exec/memory_gate.h).
// kAbandoned: the job was still running when the experiment stopped (its
// wall budget ended) and was given up, not judged: its seconds and epochs are
// what it ran before that.
enum class Outcome { kOk, kFailed, kDiverged, kTimeout, kRefused, kAbandoned };

// What kind of failure a kFailed result is, named where it is known (the
// executor or trainable that saw it happen), so that failures are counted
// by kind without reading their messages. kError: the trainable refused or
// failed the job (a bad configuration, unreadable data); kCrash: a command
// exited or was killed before its last epoch; kInternal: an exception, a
// bug; kLambdaService: the Invoke API failed after its retries;
// kLambdaFunction: the function raised an error (it crashed, timed out or
// refused the request); kLambdaResponse: its answer was not a result for
// the job.
enum class Failure { kError, kCrash, kInternal, kLambdaService, kLambdaFunction, kLambdaResponse };

// What a job was billed for (Lambda): duration and the function's memory.
// Both 0 when nothing is billed per job (local threads).
struct Cost {
  int64_t billed_ms = 0;
  int memory_mb = 0;
};

struct JobResult {
  uint64_t job = 0;
  uint32_t trial = 0;
  int rung = 0;
  Outcome outcome = Outcome::kOk;
  double metric = 0;       // the objective; ignored (counts as worst) unless outcome is kOk
  int epochs_trained = 0;  // epochs actually trained by this job (budget accounting)
  double seconds = 0;      // wall time the job took on its worker
  std::string error;       // why, when outcome is not kOk
  Failure failure = Failure::kError;  // with kFailed: what kind
  Cost cost;
};

// A result for `job` with `outcome` and nothing measured yet.
inline JobResult ResultFor(const Job& job, Outcome outcome, std::string error = {}) {
  JobResult r;
  r.job = job.id;
  r.trial = job.trial;
  r.rung = job.rung;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

// A kFailed result for `job` of kind `failure`.
inline JobResult FailedResult(const Job& job, Failure failure, std::string error) {
  JobResult r = ResultFor(job, Outcome::kFailed, std::move(error));
  r.failure = failure;
  return r;
}

}  // namespace rungs::job
