#include "tune/journal_view.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "driver/experiment_journal.h"
#include "exec/lambda_cost.h"
#include "tune/best_choice.h"

namespace rungs::tune {

std::string FailureKind(const job::JobResult& result) {
  switch (result.outcome) {
    case job::Outcome::kOk: return "ok";
    case job::Outcome::kDiverged: return "diverged";
    case job::Outcome::kTimeout: return "timeout";
    case job::Outcome::kAbandoned: return "abandoned";
    case job::Outcome::kRefused: return "refused";
    case job::Outcome::kFailed: break;
  }
  switch (result.failure) {
    case job::Failure::kError: return "error";
    case job::Failure::kCrash: return "crash";
    case job::Failure::kInternal: return "internal error";
    case job::Failure::kLambdaService: return "Lambda service error";
    case job::Failure::kLambdaFunction: return "Lambda function error";
    case job::Failure::kLambdaResponse: return "bad Lambda response";
  }
  return "error";
}

namespace {

Result<std::vector<CrossChecked>> ParseCrossChecked(const nlohmann::json& facts) {
  std::vector<CrossChecked> checked;
  if (!facts.contains("cross_checked")) return checked;
  const nlohmann::json& list = facts["cross_checked"];
  if (!list.is_array()) return Fail("finished: cross_checked is not a list");
  for (const nlohmann::json& c : list) {
    if (!c.is_object() || !c.contains("trial") || !c["trial"].is_number_unsigned() ||
        !c.contains("epochs") || !c["epochs"].is_number_integer() || !c.contains("metric") ||
        !c["metric"].is_number()) {
      return Fail("finished: a cross_checked entry needs trial, epochs and metric: " + c.dump());
    }
    checked.push_back({c["trial"].get<uint32_t>(), c["epochs"].get<int>(), c["metric"].get<double>()});
  }
  return checked;
}

}  // namespace

Status JournalRunEnd(store::Journal& journal, const RunEnd& end) {
  driver::Finished finished{end.stopped_because, {{"refit", end.refit}}};
  if (end.test_metric) finished.facts["test_metric"] = *end.test_metric;
  if (end.validation_rows > 0) finished.facts["validation_rows"] = end.validation_rows;
  if (!end.failure.empty()) finished.facts["failure"] = end.failure;
  if (!end.cross_checked.empty()) {
    nlohmann::json& checked = finished.facts["cross_checked"] = nlohmann::json::array();
    for (const CrossChecked& c : end.cross_checked) {
      checked.push_back({{"trial", c.trial}, {"epochs", c.epochs}, {"metric", c.metric}});
    }
  }
  return driver::JournalFinished(journal, finished, end.seconds);
}

Status JournalView::Add(const store::JournalEntry& e, const std::string& path) {
  if (e.kind == store::JournalEntry::Kind::kJob || e.kind == store::JournalEntry::Kind::kResult) {
    searched_since_end_ = true;
  }
  if (e.kind == store::JournalEntry::Kind::kJob) {
    cross_checked.clear();  // a search went on: its choice may be another
    by_id_[e.job.id] = jobs.size();
    jobs.push_back({e.job, e.now, std::nullopt, 0});
  } else if (e.kind == store::JournalEntry::Kind::kResult) {
    auto it = by_id_.find(e.result.job);
    if (it == by_id_.end()) return Fail(path + ": result for unknown job " + std::to_string(e.result.job));
    JobRow& row = jobs[it->second];
    if (!row.result) {
      row.result = e.result;
      row.finished_at = e.now;
    }
  } else if (e.kind == store::JournalEntry::Kind::kEvent &&
             e.event == store::EventKind::kBudgetChanged) {
    Result<driver::BudgetChange> change = driver::ParseBudgetDetail(
        e.detail, budget_changes.empty() ? driver::RunBudget{} : budget_changes.back().change.budget);
    if (!change.ok()) return Fail(path + ": seq " + std::to_string(e.seq) + ": " + change.message());
    budget_changes.push_back({e.now, std::move(*change)});
  } else if (e.kind == store::JournalEntry::Kind::kEvent &&
             (e.event == store::EventKind::kEvolutionEnabled ||
              e.event == store::EventKind::kStopRequested)) {
    steering.push_back({e.now, std::string(store::EventName(e.event)), e.detail});
  } else if (e.kind == store::JournalEntry::Kind::kEvent && e.event == store::EventKind::kFinished) {
    Result<driver::Finished> finished = driver::ParseFinished(e.detail);
    if (!finished.ok()) {
      return Fail(path + ": seq " + std::to_string(e.seq) + ": " + finished.message());
    }
    RunEnd& run_end = end.emplace();
    searched_since_end_ = false;
    run_end.stopped_because = finished->stopped_because;
    const nlohmann::json& facts = finished->facts;
    if (facts.contains("test_metric") && facts["test_metric"].is_number()) {
      run_end.test_metric = facts["test_metric"].get<double>();
    }
    run_end.refit = facts.value("refit", false);
    run_end.validation_rows = facts.value("validation_rows", int64_t{0});
    run_end.failure = facts.value("failure", "");
    Result<std::vector<CrossChecked>> checked = ParseCrossChecked(facts);
    if (!checked.ok()) return Fail(path + ": seq " + std::to_string(e.seq) + ": " + checked.message());
    run_end.cross_checked = *checked;
    validation_rows = run_end.validation_rows;
    cross_checked = run_end.cross_checked;
    run_end.seconds = e.now;
  }
  return Status::Ok();
}

const JobRow* JournalView::Find(uint64_t job) const {
  auto it = by_id_.find(job);
  return it == by_id_.end() ? nullptr : &jobs[it->second];
}

driver::RunBudget JournalView::BudgetNow(const driver::RunBudget& initial) const {
  return budget_changes.empty() ? initial : budget_changes.back().change.budget;
}

Result<JournalView> ReadJournal(const store::Journal& journal) {
  JournalView view;
  Status read = journal.Replay(
      [&](const store::JournalEntry& e) -> Status { return view.Add(e, journal.path()); });
  if (!read.ok()) return read.error();
  return view;
}

namespace {

BestTrial BestOf(const JobRow& row) {
  return BestTrial{row.job.trial, row.job.epochs_to, row.job.rung, row.result->metric,
                   row.job.config};
}

bool Usable(const JobRow& row) {
  return row.result && row.result->outcome == job::Outcome::kOk && std::isfinite(row.result->metric);
}

}  // namespace

JournalView::Scoreboard JournalView::Finished() const {
  Scoreboard board;
  for (const JobRow& row : jobs) {
    if (!Usable(row)) continue;
    board.scored.push_back({row.job.epochs_to, row.result->metric});
    board.rows.push_back(&row);
  }
  return board;
}

std::vector<BestTrial> JournalView::Candidates(bool maximize, size_t count) const {
  const Scoreboard board = Finished();
  std::vector<uint32_t> trials;
  for (const JobRow* row : board.rows) trials.push_back(row->job.trial);
  std::vector<BestTrial> candidates;
  for (size_t i : BestOfEachTrial(board.scored, trials, maximize, validation_rows, count)) {
    candidates.push_back(BestOf(*board.rows[i]));
  }
  return candidates;
}

const CrossChecked* JournalView::CrossCheckedBest(bool maximize) const {
  const CrossChecked* chosen = nullptr;
  for (const CrossChecked& c : cross_checked) {
    if (!chosen || (maximize ? c.metric > chosen->metric : c.metric < chosen->metric)) chosen = &c;
  }
  return chosen;
}

std::optional<BestTrial> JournalView::Best(bool maximize) const {
  if (const CrossChecked* chosen = CrossCheckedBest(maximize)) {
    for (const JobRow& row : jobs) {
      if (Usable(row) && row.job.trial == chosen->trial && row.job.epochs_to == chosen->epochs) {
        return BestOf(row);
      }
    }
  }
  const Scoreboard board = Finished();
  if (board.rows.empty()) return std::nullopt;
  return BestOf(*board.rows[ChooseBest(board.scored, maximize, validation_rows)]);
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

uint64_t JournalView::Refused() const {
  uint64_t refused = 0;
  for (const JobRow& row : jobs) refused += row.result && row.result->outcome == job::Outcome::kRefused;
  return refused;
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
