#include "driver/replay.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "job/job_json.h"

namespace rungs::driver {
namespace {

bool SameValue(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

bool SameJob(const job::Job& a, const job::Job& b) {
  if (a.id != b.id || a.trial != b.trial || a.bracket != b.bracket || a.rung != b.rung ||
      a.epochs_from != b.epochs_from || a.epochs_to != b.epochs_to ||
      !SameValue(a.lr_scale, b.lr_scale) || a.config.size() != b.config.size()) {
    return false;
  }
  for (size_t i = 0; i < a.config.size(); ++i) {
    if (!SameValue(a.config[i], b.config[i])) return false;
  }
  return true;
}

Result<Replayed> Replay(const store::Journal& journal, const SchedulerFactory& factory,
                        const RunBudget& start) {
  Result<std::unique_ptr<sched::Scheduler>> made = factory(journal.experiment());
  if (!made.ok()) return Fail(journal.path() + ": cannot rebuild the scheduler: " + made.message());
  Replayed replayed{std::move(*made), {}, start};
  sched::Scheduler& scheduler = *replayed.scheduler;
  ResumePoint& resume = replayed.resume;
  // Started jobs without a result yet, by seq (start order), and their seqs
  // by job id.
  std::map<uint64_t, job::Job> open;
  std::unordered_map<uint64_t, uint64_t> open_seq;

  auto where = [&](const store::JournalEntry& e) {
    return journal.path() + ": seq " + std::to_string(e.seq);
  };
  Status status = journal.Replay([&](const store::JournalEntry& e) -> Status {
    resume.next_seq = e.seq + 1;
    resume.now = std::max(resume.now, e.now);
    switch (e.kind) {
      case store::JournalEntry::Kind::kJob: {
        std::optional<job::Job> job = scheduler.Next(e.now);
        if (!job) {
          return Fail(where(e) + ": replay diverged: the journal records job " +
                      job::JobToJson(e.job).dump() +
                      " but the scheduler now issues none (different version, options or seed?)");
        }
        if (!SameJob(*job, e.job)) {
          return Fail(where(e) + ": replay diverged: the journal records job " +
                      job::JobToJson(e.job).dump() + " but the scheduler now issues " +
                      job::JobToJson(*job).dump() + " (different version, options or seed?)");
        }
        ++resume.jobs;
        if (job->rung == 0) ++resume.trials;
        open_seq.emplace(job->id, e.seq);
        open.emplace(e.seq, std::move(*job));
        return Status::Ok();
      }
      case store::JournalEntry::Kind::kRefusal: {
        std::optional<job::Job> job = scheduler.Next(e.now);
        if (job) {
          return Fail(where(e) + ": replay diverged: the journal records no job here but the " +
                      "scheduler now issues " + job::JobToJson(*job).dump());
        }
        return Status::Ok();
      }
      case store::JournalEntry::Kind::kResult: {
        auto it = open_seq.find(e.result.job);
        if (it == open_seq.end()) {
          return Fail(where(e) + ": result for job " + std::to_string(e.result.job) +
                      ", which is not running");
        }
        open.erase(it->second);
        open_seq.erase(it);
        scheduler.Report(e.result, e.now);
        ++resume.results;
        return Status::Ok();
      }
      case store::JournalEntry::Kind::kEvent: {
        if (e.event == store::EventKind::kBudgetChanged) {
          Result<BudgetChange> change = ParseBudgetDetail(e.detail, replayed.budget);
          if (!change.ok()) return Fail(where(e) + ": " + change.message());
          scheduler.SetBudget(change->budget.scheduler());
          replayed.budget = change->budget;
          return Status::Ok();
        }
        if (e.event == store::EventKind::kResumed) {
          scheduler.CheckpointsLost();
          return Status::Ok();
        }
        if (e.event != store::EventKind::kEvolutionEnabled) return Status::Ok();
        Status enabled = scheduler.EnableEvolution(e.now);
        if (!enabled.ok()) return Fail(where(e) + ": " + enabled.message());
        return Status::Ok();
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status.error();
  for (auto& [seq, job] : open) resume.outstanding.push_back(std::move(job));
  return replayed;
}

}  // namespace rungs::driver
