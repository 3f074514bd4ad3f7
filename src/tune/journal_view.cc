#include "tune/journal_view.h"

#include <cmath>

#include "driver/experiment_journal.h"
#include "exec/lambda_cost.h"

namespace rungs::tune {

Status JournalRunEnd(store::Journal& journal, const RunEnd& end) {
  driver::Finished finished{end.stopped_because, {{"refit", end.refit}}};
  if (end.test_metric) finished.facts["test_metric"] = *end.test_metric;
  if (!end.failure.empty()) finished.facts["failure"] = end.failure;
  return driver::JournalFinished(journal, finished, end.seconds);
}

Result<JournalView> ReadJournal(const store::Journal& journal) {
  JournalView view;
  std::unordered_map<uint64_t, size_t> by_id;
  Status read = journal.Replay([&](const store::JournalEntry& e) -> Status {
    if (e.kind == store::JournalEntry::Kind::kJob) {
      by_id[e.job.id] = view.jobs.size();
      view.jobs.push_back({e.job, e.now, std::nullopt, 0});
    } else if (e.kind == store::JournalEntry::Kind::kResult) {
      auto it = by_id.find(e.result.job);
      if (it == by_id.end()) return Fail(journal.path() + ": result for unknown job " + std::to_string(e.result.job));
      JobRow& row = view.jobs[it->second];
      if (!row.result) {
        row.result = e.result;
        row.finished_at = e.now;
      }
    } else if (e.kind == store::JournalEntry::Kind::kEvent && e.event == store::EventKind::kFinished) {
      Result<driver::Finished> finished = driver::ParseFinished(e.detail);
      if (!finished.ok()) {
        return Fail(journal.path() + ": seq " + std::to_string(e.seq) + ": " + finished.message());
      }
      RunEnd& end = view.end.emplace();
      end.stopped_because = finished->stopped_because;
      const nlohmann::json& facts = finished->facts;
      if (facts.contains("test_metric") && facts["test_metric"].is_number()) {
        end.test_metric = facts["test_metric"].get<double>();
      }
      end.refit = facts.value("refit", false);
      end.failure = facts.value("failure", "");
      end.seconds = e.now;
    }
    return Status::Ok();
  });
  if (!read.ok()) return read.error();
  return view;
}

std::optional<BestTrial> JournalView::Best(bool maximize) const {
  std::optional<BestTrial> best;
  for (const JobRow& row : jobs) {
    if (!row.result || row.result->outcome != job::Outcome::kOk) continue;
    double m = row.result->metric;
    if (!std::isfinite(m)) continue;
    bool better = !best || row.job.epochs_to > best->epochs ||
                  (row.job.epochs_to == best->epochs && (maximize ? m > best->metric : m < best->metric));
    if (better) best = BestTrial{row.job.trial, row.job.epochs_to, row.job.rung, m, row.job.config};
  }
  return best;
}

int64_t JournalView::EpochsTrained() const {
  int64_t sum = 0;
  for (const JobRow& row : jobs) {
    if (row.result) sum += row.result->epochs_trained;
  }
  return sum;
}

uint64_t JournalView::Trials() const {
  uint64_t trials = 0;
  for (const JobRow& row : jobs) trials += row.job.rung == 0;
  return trials;
}

double JournalView::GbSeconds() const {
  double sum = 0;
  for (const JobRow& row : jobs) {
    if (row.result) sum += exec::GbSeconds(row.result->cost);
  }
  return sum;
}

}  // namespace rungs::tune
