#include "driver/experiment_loop.h"

#include <chrono>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "store/request_inbox.h"

namespace rungs::driver {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kRequestPollSeconds = 0.2;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Adds the wall time of its scope to `total`.
class ScopedTimer {
 public:
  explicit ScopedTimer(double& total) : total_(total), start_(Clock::now()) {}
  ~ScopedTimer() { total_ += Seconds(start_, Clock::now()); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  double& total_;
  Clock::time_point start_;
};

}  // namespace

ExperimentLoop::ExperimentLoop(sched::Scheduler& scheduler, exec::Executor& executor,
                               store::Journal* journal, LoopOptions options, ResumePoint resume)
    : scheduler_(scheduler),
      executor_(executor),
      journal_(journal),
      options_(std::move(options)),
      time_offset_(resume.now),
      seq_(resume.next_seq),
      backlog_(resume.outstanding.begin(), resume.outstanding.end()) {
  stats_.progress.budget = options_.budget;
  stats_.progress.jobs = resume.jobs;
  stats_.progress.trials = resume.trials;
  stats_.progress.results = resume.results;
  while (next_sample_ < options_.sample_at_trials.size() &&
         options_.sample_at_trials[next_sample_] <= resume.trials) {
    ++next_sample_;  // reached before the resume: not measured by this run
  }
}

bool ExperimentLoop::MayStart(double now) const {
  return !stop_requested_ && !JobsSpent() && !DollarsSpent() && !SecondsSpent(now);
}

bool ExperimentLoop::SecondsSpent(double now) const {
  const double seconds = stats_.progress.budget.seconds;
  return seconds > 0 && now >= seconds;
}

bool ExperimentLoop::JobsSpent() const {
  const uint64_t jobs = stats_.progress.budget.jobs;
  return jobs > 0 && stats_.progress.jobs >= jobs;
}

bool ExperimentLoop::DollarsSpent() const {
  const double dollars = stats_.progress.budget.dollars;
  return dollars > 0 && options_.dollars_spent && options_.dollars_spent() >= dollars;
}

Result<LoopStats> ExperimentLoop::Run() {
  while (true) {
    double now = Now();
    // Requests first: a budget extended now is the one the stop rules judge.
    RUNGS_RETURN_IF_ERROR(TakeRequests(now));
    if (!stop_requested_ && options_.stop_requested) {
      stop_requested_ = options_.stop_requested(stats_.progress.budget);
      if (stop_requested_ && options_.on_stopping) options_.on_stopping(*stop_requested_, running_.size());
    }
    RUNGS_RETURN_IF_ERROR(MaybeEnableEvolution(now));
    bool refused = false;
    {
      Result<bool> filled = Fill(now);
      if (!filled.ok()) return filled.error();
      refused = !*filled;
    }
    if (running_.empty()) {
      if (stop_requested_) {  // even if the scheduler finished meanwhile: the user's stop is why
        stats_.stopped_because = *stop_requested_;
        break;
      }
      if (scheduler_.Done()) {
        stats_.stopped_because = StopReason::kDone;
        break;
      }
      if (!MayStart(now)) {
        stats_.stopped_because = JobsSpent()      ? StopReason::kMaxJobs
                                 : DollarsSpent() ? StopReason::kBudgetDollars
                                                  : StopReason::kMaxSeconds;
        break;
      }
      if (refused) {
        return Fail("scheduler stalled: it issued no job while none runs and it is not done (" +
                    std::to_string(stats_.progress.jobs) + " jobs, " +
                    std::to_string(stats_.progress.results) + " results so far)");
      }
    }
    Result<std::vector<job::JobResult>> results = executor_.Wait(options_.wait_timeout);
    if (!results.ok()) return results.error();
    now = Now();
    RUNGS_RETURN_IF_ERROR(Absorb(std::move(*results), now));
    MaybeStopFailing();
    ReportProgress(now, /*force=*/false);
  }
  ReportProgress(Now(), /*force=*/true);
  return stats_;
}

Result<bool> ExperimentLoop::Fill(double now) {
  int free = executor_.capacity() - int(running_.size());
  std::vector<job::Job> ready;
  while (free > 0 && !backlog_.empty() && !stop_requested_) {
    ready.push_back(std::move(backlog_.front()));
    backlog_.pop_front();
    --free;
  }
  bool refused = false;
  while (free > 0 && MayStart(now)) {
    std::optional<job::Job> job;
    {
      ScopedTimer timer(stats_.scheduler_seconds);
      job = scheduler_.Next(now);
    }
    ++stats_.decisions;
    if (!job) {
      refused = true;
      if (journal_ != nullptr) {
        ScopedTimer timer(stats_.journal_seconds);
        RUNGS_RETURN_IF_ERROR(journal_->AddRefusal(seq_, now));
      }
      ++seq_;
      break;
    }
    if (journal_ != nullptr) {
      ScopedTimer timer(stats_.journal_seconds);
      RUNGS_RETURN_IF_ERROR(journal_->AddJob(seq_, *job, now));
    }
    ++seq_;
    ++stats_.progress.jobs;
    if (job->rung == 0) {
      ++stats_.progress.trials;
      MaybeSample();
    }
    ready.push_back(std::move(*job));
    --free;
  }
  // Durable before anything runs: a crash from here on reissues these jobs.
  if (journal_ != nullptr) {
    ScopedTimer timer(stats_.journal_seconds);
    RUNGS_RETURN_IF_ERROR(journal_->Commit());
  }
  // Submitting can take a while (the memory gate predicts each job's memory,
  // with every worker competing for the cores): the clock is read again
  // before each, and jobs whose turn comes after the wall budget ended do
  // not start.
  for (size_t i = 0; i < ready.size(); ++i) {
    if (SecondsSpent(Now())) {
      RUNGS_RETURN_IF_ERROR(AbandonUnstarted({ready.begin() + i, ready.end()}));
      break;
    }
    RUNGS_RETURN_IF_ERROR(executor_.Submit(ready[i]));
    running_.insert(ready[i].id);
  }
  return !refused;
}

Status ExperimentLoop::AbandonUnstarted(const std::vector<job::Job>& jobs) {
  std::vector<job::JobResult> results;
  for (const job::Job& job : jobs) {
    running_.insert(job.id);
    results.push_back(job::ResultFor(job, job::Outcome::kAbandoned,
                                     "abandoned: the wall budget ended before it started"));
  }
  return Absorb(std::move(results), Now());
}

Status ExperimentLoop::Absorb(std::vector<job::JobResult> results, double now) {
  std::vector<job::JobResult> fresh;
  fresh.reserve(results.size());
  std::optional<ScopedTimer> timer;
  if (journal_ != nullptr) timer.emplace(stats_.journal_seconds);
  for (job::JobResult& result : results) {
    // A job reports once; a second delivery (a retried invocation) is dropped.
    if (running_.erase(result.job) == 0) {
      ++stats_.progress.duplicates;
      continue;
    }
    if (journal_ != nullptr) {
      Result<bool> added = journal_->AddResult(seq_, result, now);
      if (!added.ok()) return added.error();
      if (!*added) {
        ++stats_.progress.duplicates;
        continue;
      }
    }
    ++seq_;
    fresh.push_back(std::move(result));
  }
  // Durable before the scheduler acts on them: no result is lost or doubled.
  if (journal_ != nullptr) RUNGS_RETURN_IF_ERROR(journal_->Commit());
  timer.reset();
  for (const job::JobResult& result : fresh) {
    failures_.Add(result);
    {
      ScopedTimer timer(stats_.scheduler_seconds);
      scheduler_.Report(result, now);
    }
    ++stats_.decisions;
    ++stats_.progress.results;
  }
  return Status::Ok();
}

Status ExperimentLoop::MaybeEnableEvolution(double now) {
  if (evolution_enabled_ || !options_.evolution_requested || !options_.evolution_requested()) {
    return Status::Ok();
  }
  evolution_enabled_ = true;
  Status status = scheduler_.EnableEvolution(now);
  if (!status.ok()) return Fail("cannot enable evolution: " + status.message());
  if (journal_ == nullptr) return Status::Ok();
  RUNGS_RETURN_IF_ERROR(
      journal_->AddEvent(seq_++, store::EventKind::kEvolutionEnabled, "requested", now));
  return journal_->Commit();
}

Status ExperimentLoop::TakeRequests(double now) {
  if (journal_ == nullptr) return Status::Ok();
  double wall = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  if (wall - last_request_poll_wall_ < kRequestPollSeconds) return Status::Ok();
  last_request_poll_wall_ = wall;
  Result<std::vector<store::Request>> pending = journal_->PendingRequests();
  if (!pending.ok()) return pending.error();
  if (pending->empty()) return Status::Ok();
  for (const store::Request& request : *pending) {
    Result<std::pair<std::string, uint64_t>> outcome = Act(request, now);
    if (!outcome.ok()) return outcome.error();
    RUNGS_RETURN_IF_ERROR(journal_->TakeRequest(request.id, outcome->second, outcome->first));
  }
  return journal_->Commit();
}

Result<std::pair<std::string, uint64_t>> ExperimentLoop::Act(const store::Request& request,
                                                             double now) {
  using Outcome = std::pair<std::string, uint64_t>;
  Result<store::RequestKind> kind = store::ParseRequestKind(request.kind);
  if (!kind.ok()) return Outcome{kind.message(), 0};
  std::string by = "request " + std::to_string(request.id);
  switch (*kind) {
    case store::RequestKind::kEvolve: {
      if (evolution_enabled_) return Outcome{"evolution is already on", 0};
      evolution_enabled_ = true;
      Status status = scheduler_.EnableEvolution(now);
      if (!status.ok()) return Outcome{"cannot enable evolution: " + status.message(), 0};
      RUNGS_RETURN_IF_ERROR(journal_->AddEvent(seq_, store::EventKind::kEvolutionEnabled, by, now));
      return Outcome{"ok", seq_++};
    }
    case store::RequestKind::kStop: {
      if (stop_requested_) return Outcome{"already stopping", 0};
      stop_requested_ = StopReason::kStopRequested;
      RUNGS_RETURN_IF_ERROR(journal_->AddEvent(seq_, store::EventKind::kStopRequested, by, now));
      return Outcome{"ok", seq_++};
    }
    case store::RequestKind::kExtend: return Extend(request.detail, by, now);
  }
  return Outcome{"unknown request", 0};
}

Result<std::pair<std::string, uint64_t>> ExperimentLoop::Extend(const std::string& detail,
                                                                const std::string& by, double now) {
  using Outcome = std::pair<std::string, uint64_t>;
  // Stopping is final: what runs now finishes, and nothing starts again.
  if (stop_requested_) return Outcome{"the run is stopping", 0};
  Result<RunBudget> more =
      ParseExtension(nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false));
  if (!more.ok()) return Outcome{more.message(), 0};
  Result<RunBudget> raised = driver::Extend(stats_.progress.budget, *more);
  if (!raised.ok()) return Outcome{raised.message(), 0};
  RUNGS_RETURN_IF_ERROR(ApplyBudget({*raised, by}, seq_, now, journal_, scheduler_));
  stats_.progress.budget = *raised;
  return Outcome{"ok", seq_++};
}

void ExperimentLoop::MaybeStopFailing() {
  if (stop_requested_ || !options_.stop_when_failing) return;
  std::optional<std::string> verdict = failures_.Verdict();
  if (!verdict) return;
  stop_requested_ = StopReason::kJobsFailing;
  stats_.failure = std::move(*verdict);
}

void ExperimentLoop::MaybeSample() {
  const std::vector<uint64_t>& points = options_.sample_at_trials;
  while (next_sample_ < points.size() && points[next_sample_] <= stats_.progress.trials) {
    stats_.samples.push_back(Sample{stats_.progress.trials, stats_.progress.jobs,
                                    stats_.decisions, stats_.scheduler_seconds});
    ++next_sample_;
  }
}

void ExperimentLoop::ReportProgress(double now, bool force) {
  // The final call fills the totals even without a callback: Run returns them.
  if (!force && !options_.on_progress) return;
  double wall = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  if (!force && wall - last_progress_wall_ < options_.progress_interval) return;
  last_progress_wall_ = wall;
  stats_.progress.running = running_.size();
  stats_.progress.now = now;
  stats_.progress.best = scheduler_.best();
  if (options_.on_progress) options_.on_progress(stats_.progress);
}

}  // namespace rungs::driver
