#include "dashboard/trial_table.h"

#include <algorithm>
#include <cmath>

namespace rungs::dashboard {
namespace {

constexpr std::string_view kStateNames[] = {"done", "failed", "running", "stopped"};

}  // namespace

std::string_view TrialStateName(TrialState state) { return kStateNames[size_t(state)]; }

std::optional<TrialState> ParseTrialState(std::string_view name) {
  for (size_t i = 0; i < std::size(kStateNames); ++i) {
    if (kStateNames[i] == name) return TrialState(i);
  }
  return std::nullopt;
}

void TrialTable::AddJob(uint32_t trial, int rung, std::span<const double> values) {
  auto [it, added] = index_.try_emplace(trial, rows_.size());
  if (added) {
    rows_.push_back({.trial = trial, .values = values_.size()});
    for (size_t p = 0; p < params_; ++p) {
      values_.push_back(p < values.size() ? values[p] : std::nan(""));
    }
  }
  TrialRow& row = rows_[it->second];
  row.rung = std::max(row.rung, rung);
  ++row.running;
}

void TrialTable::AddResult(uint32_t trial, int epochs, bool ok, double metric) {
  auto it = index_.find(trial);
  if (it == index_.end()) return;  // no job of it started: nothing to update
  TrialRow& row = rows_[it->second];
  --row.running;
  if (!ok) {
    row.failed = true;
  } else if (epochs >= row.epochs) {
    row.epochs = epochs;
    row.metric = metric;
    row.failed = false;
  }
}

TrialState TrialTable::StateOf(const TrialRow& row, bool finished) {
  if (row.running > 0 && !finished) return TrialState::kRunning;
  if (!std::isnan(row.metric)) return TrialState::kDone;
  return row.failed ? TrialState::kFailed : TrialState::kStopped;
}

TrialPage TrialTable::Query(const TrialQuery& q, bool finished) const {
  std::vector<const TrialRow*> kept;
  for (const TrialRow& row : rows_) {
    if (q.rung && row.rung != *q.rung) continue;
    if (q.state && StateOf(row, finished) != *q.state) continue;
    if (q.range_param) {
      double v = Values(row)[*q.range_param];
      if (std::isnan(v) || v < q.min || v > q.max) continue;
    }
    kept.push_back(&row);
  }
  // NaN: no value, sorted last.
  auto key = [&](const TrialRow* row) -> double {
    switch (q.key) {
      case TrialQuery::Key::kTrial: return row->trial;
      case TrialQuery::Key::kState: return double(StateOf(*row, finished));
      case TrialQuery::Key::kRung: return row->rung;
      case TrialQuery::Key::kEpochs: return row->epochs;
      case TrialQuery::Key::kMetric: return row->metric;
      case TrialQuery::Key::kParam: return Values(*row)[q.key_param];
    }
    return 0;
  };
  std::sort(kept.begin(), kept.end(), [&](const TrialRow* a, const TrialRow* b) {
    double x = key(a), y = key(b);
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) != std::isnan(y)) return std::isnan(y);
    } else if (x != y) {
      return q.descending ? x > y : x < y;
    }
    return a->trial < b->trial;
  });
  TrialPage page{kept.size(), 0, {}};
  size_t pages = std::max<size_t>(1, (kept.size() + q.size - 1) / q.size);
  page.page = std::min(q.page, pages - 1);
  size_t from = page.page * q.size;
  size_t to = std::min(kept.size(), from + q.size);
  if (from < to) page.rows.assign(kept.begin() + long(from), kept.begin() + long(to));
  return page;
}

}  // namespace rungs::dashboard
