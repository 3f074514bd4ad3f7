#include "tune/journal_view.h"

#include <cmath>

#include "exec/lambda_cost.h"

namespace rungs::tune {

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

double JournalView::GbSeconds() const {
  double sum = 0;
  for (const JobRow& row : jobs) {
    if (row.result) sum += exec::GbSeconds(row.result->cost);
  }
  return sum;
}

}  // namespace rungs::tune
