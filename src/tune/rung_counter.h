// RungCounter: jobs running and finished per rung and what they cost, for
// the progress display and the dollar budget, and the pace of each trial
// (for the time a refit of the best needs); CountingExecutor feeds it with
// what starts and finishes on the executor it wraps. Starts from what the
// journal holds. Both are used by the driver thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "exec/executor.h"
#include "tune/best_choice.h"
#include "tune/journal_view.h"
#include "tune/trial_pace.h"
#include "tune/tune_progress.h"

namespace rungs::tune {

class RungCounter {
 public:
  RungCounter(const JournalView& view, double price_per_gb_second);
  // `now`: the executor's clock.
  void Started(const job::Job& job, double now);
  void Finished(const job::JobResult& result);
  const RungCounts& counts() const { return counts_; }
  // Seconds training the trial alone takes (TrialPace).
  double SecondsOf(uint32_t trial) const;
  // What training again takes of the first `count` trials the final choice
  // ranks best so far (BestOfEachTrial over the finished results: the
  // trials the run's end may cross-check and refit).
  CandidateSeconds SecondsOfCandidates(bool maximize, int64_t validation_rows, size_t count);
  // When the running job of the first of those trials would end at its
  // pace (the executor's clock); none when it has no running job.
  std::optional<double> BestsRunningJobEndsAt(bool maximize, int64_t validation_rows,
                                              size_t count);

 private:
  void Count(const job::Job& job, const job::JobResult& result);
  // Ranks the candidates into the cache below, unless it is fresh.
  void Rank(bool maximize, int64_t validation_rows, size_t count);

  const double price_;
  RungCounts counts_;
  struct Running {
    job::Job job;
    double started = 0;
  };
  std::unordered_map<uint64_t, Running> running_;  // by job id
  std::unordered_map<uint32_t, uint64_t> running_job_of_trial_;  // its latest
  std::unordered_map<uint32_t, TrialPace> pace_of_trial_;
  // The finished results the final choice ranks, and their trials.
  std::vector<Scored> scored_;
  std::vector<uint32_t> scored_trials_;
  // The ranking as of the last result, for these arguments: it is asked
  // for at every turn of the loop. The candidates' seconds, and the first
  // of them.
  bool ranked_ = false;  // false: to be ranked again
  CandidateSeconds candidates_;
  std::optional<uint32_t> best_trial_;
  std::tuple<bool, int64_t, size_t> ranked_for_;
};

class CountingExecutor : public exec::Executor {
 public:
  CountingExecutor(exec::Executor& inner, RungCounter& counter) : inner_(inner), counter_(counter) {}

  int capacity() const override { return inner_.capacity(); }
  job::Promotion promotion() const override { return inner_.promotion(); }
  Status Submit(const job::Job& job) override;
  Result<std::vector<job::JobResult>> Wait(double timeout_seconds) override;
  double Now() const override { return inner_.Now(); }

 private:
  exec::Executor& inner_;
  RungCounter& counter_;
};

}  // namespace rungs::tune
