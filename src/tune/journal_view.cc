#include "tune/journal_view.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "driver/experiment_journal.h"
#include "exec/lambda_cost.h"

namespace rungs::tune {

std::string FailureKind(const job::JobResult& result) {
  switch (result.outcome) {
    case job::Outcome::kOk: return "ok";
    case job::Outcome::kDiverged: return "diverged";
    case job::Outcome::kTimeout: return "timeout";
    case job::Outcome::kAbandoned: return "abandoned";
    case job::Outcome::kFailed: break;
  }
  // The openings the executors and trainables give their errors.
  const std::string& e = result.error;
  if (e.starts_with("lambda invoke failed")) return "Lambda service error";
  if (e.starts_with("function error")) return "Lambda function error";
  if (e.starts_with("lambda response")) return "bad Lambda response";
  if (e.starts_with("internal error")) return "internal error";
  if (e.find("' was killed by signal ") != std::string::npos ||
      e.find("' exited with status ") != std::string::npos ||
      e.find("' ended in an unknown way") != std::string::npos) {
    return "crash";
  }
  return "error";
}

Status JournalRunEnd(store::Journal& journal, const RunEnd& end) {
  driver::Finished finished{end.stopped_because, {{"refit", end.refit}}};
  if (end.test_metric) finished.facts["test_metric"] = *end.test_metric;
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

std::vector<std::pair<std::string, uint64_t>> JournalView::FailuresByKind() const {
  std::map<std::string, uint64_t> counts;
  for (const JobRow& row : jobs) {
    if (row.result && row.result->outcome != job::Outcome::kOk) ++counts[FailureKind(*row.result)];
  }
  std::vector<std::pair<std::string, uint64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return sorted;
}

double JournalView::GbSeconds() const {
  double sum = 0;
  for (const JobRow& row : jobs) {
    if (row.result) sum += exec::GbSeconds(row.result->cost);
  }
  return sum;
}

}  // namespace rungs::tune
