// ExperimentLoop: drives a Scheduler with an Executor, journaling every call.
//
// The loop fills free workers with Scheduler::Next(now), journals each job
// (committed) before submitting it, waits for results, and journals each
// result (committed) before reporting it to the scheduler, until the
// scheduler is Done() or a stop condition holds; then it lets the running
// jobs finish and reports them, and the stop condition is why it stopped. A Next that gives nothing is journaled too,
// so replaying the journal repeats the exact call sequence (driver/replay.h).
// The `finished` event is not the loop's: its caller journals it once, when
// everything after the loop is done too (driver/experiment_journal.h).
// The same loop runs local threads, Lambda, and simulation.
// Not thread-safe: Run() uses the scheduler, executor and journal from the
// calling thread only; callbacks are called from that thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "driver/failure_watch.h"
#include "driver/run_budget.h"
#include "driver/stop_reason.h"
#include "exec/executor.h"
#include "sched/scheduler.h"
#include "store/journal.h"

namespace rungs::driver {

// What the loop has done so far; handed to the progress callback.
struct Progress {
  uint64_t jobs = 0;       // jobs started (journaled), including before a resume
  uint64_t trials = 0;     // jobs that started a new trial (rung 0)
  uint64_t results = 0;    // results reported to the scheduler
  uint64_t duplicates = 0; // results ignored: their job had already reported
  uint64_t running = 0;    // jobs submitted and not yet finished
  double now = 0;          // seconds since the experiment started
  RunBudget budget;        // as it is now (extend requests raise it)
  std::optional<sched::Best> best;
};

// Cumulative counters taken when `trials` first reached a sample point.
struct Sample {
  uint64_t trials = 0;
  uint64_t jobs = 0;
  uint64_t decisions = 0;        // Next and Report calls so far
  double scheduler_seconds = 0;  // wall time inside Next and Report so far
};

struct LoopOptions {
  // The run's budget (driver/run_budget.h): the scheduler's limits as it has
  // them, and the loop's own stop conditions: no job starts once
  // `budget.jobs` jobs have started, `budget.seconds` of experiment time
  // have passed or `dollars_spent()` reached `budget.dollars`; running jobs
  // still finish and are reported. A job already journaled whose turn to be
  // submitted comes after `budget.seconds` is not submitted: it is
  // journaled and reported as abandoned. An `extend` request (the journal's inbox)
  // raises it: budget_changed is journaled and the scheduler given its part.
  RunBudget budget;
  // What the jobs have been billed so far (Lambda); unset: nothing is.
  std::function<double()> dollars_spent;
  // Polled once per round, with the budget as it is then, until it gives a
  // reason, which stops starting jobs and becomes LoopStats::stopped_because
  // (e.g. kStopRequested after Ctrl-C, or a rule the driver keeps itself).
  // Stopping is final: no request can undo it.
  std::function<std::optional<StopReason>(const RunBudget&)> stop_requested;
  // Called once, when a stop condition first holds, with the reason and the
  // jobs still running (which the loop now lets finish).
  std::function<void(StopReason, uint64_t running)> on_stopping;
  // Polled once per round; true switches evolution on (once), journaled.
  // The journal's request inbox (store/request_inbox.h) can ask for it too,
  // and to stop, and to extend the budget.
  std::function<bool()> evolution_requested;
  // Called from one place, at most every `progress_interval` wall seconds,
  // and once at the end.
  std::function<void(const Progress&)> on_progress;
  double progress_interval = 0.5;
  // How long one Executor::Wait may block before the loop polls again.
  double wait_timeout = 0.25;
  // Trial counts at which to take a Sample (ascending); for benchmarks.
  std::vector<uint64_t> sample_at_trials;
  // Stop starting jobs once they keep failing (driver/failure_watch.h):
  // the reason is kJobsFailing and LoopStats::failure says why.
  bool stop_when_failing = false;
};

// Where a resumed experiment continues from (see driver/replay.h).
struct ResumePoint {
  uint64_t next_seq = 1;
  double now = 0;                        // experiment time already spent
  std::vector<job::Job> outstanding;   // started, no result: run again
  uint64_t jobs = 0;
  uint64_t trials = 0;
  uint64_t results = 0;
};

struct LoopStats {
  Progress progress;
  uint64_t decisions = 0;        // Next (including refusals) and Report calls
  double scheduler_seconds = 0;  // wall time inside those calls
  double journal_seconds = 0;    // wall time writing and committing the journal
  std::vector<Sample> samples;
  StopReason stopped_because = StopReason::kDone;
  std::string failure;  // kJobsFailing: the failures, quoting the last error
};

class ExperimentLoop {
 public:
  // `journal` may be null (nothing is recorded). All three must outlive the
  // loop. `resume` continues a journaled experiment: its outstanding jobs
  // are submitted again before any new one (the scheduler, rebuilt by
  // replay, already counts them as running).
  ExperimentLoop(sched::Scheduler& scheduler, exec::Executor& executor, store::Journal* journal,
                 LoopOptions options, ResumePoint resume = {});

  // Runs until done or stopped. An error (journal write, executor failure,
  // a scheduler that stalls) ends the run; what was committed stays valid
  // for a resume.
  Result<LoopStats> Run();

 private:
  double Now() const { return time_offset_ + executor_.Now(); }
  // False once a stop condition holds: no new job may start.
  bool MayStart(double now) const;
  bool SecondsSpent(double now) const;
  bool JobsSpent() const;
  bool DollarsSpent() const;
  // Starts jobs on free workers: the backlog first, then Next(now). Returns
  // false when the scheduler refused (Next gave nothing).
  Result<bool> Fill(double now);
  // Journals and reports `jobs` (journaled, never submitted) as abandoned.
  Status AbandonUnstarted(const std::vector<job::Job>& jobs);
  // Journals and reports one batch of finished jobs.
  Status Absorb(std::vector<job::JobResult> results, double now);
  Status MaybeEnableEvolution(double now);
  // Acts on the journal's pending requests (store/request_inbox.h), each
  // journaled as an event and marked taken in one commit. At most every
  // kRequestPollSeconds of wall time: the inbox is for people.
  Status TakeRequests(double now);
  // Acts on one request; the outcome ("ok" or why not) and the event's
  // seq, 0 when refused.
  Result<std::pair<std::string, uint64_t>> Act(const store::Request& request, double now);
  // An `extend` request's detail, adding to the budget (driver/run_budget.h).
  Result<std::pair<std::string, uint64_t>> Extend(const std::string& detail, const std::string& by,
                                                  double now);
  // Stops starting jobs once options_.stop_when_failing and they keep failing.
  void MaybeStopFailing();
  void MaybeSample();
  void ReportProgress(double now, bool force);

  sched::Scheduler& scheduler_;
  exec::Executor& executor_;
  store::Journal* journal_;
  const LoopOptions options_;
  const double time_offset_;

  uint64_t seq_;
  std::deque<job::Job> backlog_;          // journaled, not yet submitted
  std::unordered_set<uint64_t> running_;    // submitted job ids
  std::optional<StopReason> stop_requested_;  // set once, by options_.stop_requested
  FailureWatch failures_;
  bool evolution_enabled_ = false;
  double last_request_poll_wall_ = -std::numeric_limits<double>::infinity();
  size_t next_sample_ = 0;
  LoopStats stats_;
  double last_progress_wall_ = -std::numeric_limits<double>::infinity();
};

}  // namespace rungs::driver
