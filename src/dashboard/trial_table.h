// TrialTable: the dashboard's table of trials, one row per trial (its state,
// highest rung, latest metric, configuration), kept current job by job and
// read a page at a time, filtered and sorted (GET /api/trials): paging
// through 100,000 trials costs the server one filter and sort, O(n log n),
// and the browser one page of rows. Adding a job or a result is O(1). Not
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rungs::dashboard {

// In the order of their names, so sorting by state sorts them by name.
enum class TrialState { kDone, kFailed, kRunning, kStopped };
std::string_view TrialStateName(TrialState state);
std::optional<TrialState> ParseTrialState(std::string_view name);

struct TrialRow {
  uint32_t trial = 0;
  int rung = 0;       // the highest rung a job of it started at
  int epochs = 0;     // the epochs of its metric's result (0: none yet)
  double metric = std::numeric_limits<double>::quiet_NaN();  // its result at the most epochs; NaN: none
  int running = 0;    // its jobs without a result
  bool failed = false;  // a result failed since its metric's
  size_t values = 0;  // where its configuration starts in the table's values
};

// Which trials, in which order, which page of them.
struct TrialQuery {
  enum class Key { kTrial, kState, kRung, kEpochs, kMetric, kParam };
  Key key = Key::kTrial;
  size_t key_param = 0;  // with kParam: which parameter
  bool descending = false;
  size_t page = 0;       // from 0
  size_t size = 50;      // rows a page, at least 1
  std::optional<int> rung;
  std::optional<TrialState> state;
  // Keeps the trials whose value of this parameter is in [min, max].
  std::optional<size_t> range_param;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

struct TrialPage {
  size_t matched = 0;  // trials that pass the filters
  size_t page = 0;     // the page given: the one asked for, or the last one
  std::vector<const TrialRow*> rows;  // valid until the table changes
};

class TrialTable {
 public:
  // `params`: the values of each trial's configuration.
  explicit TrialTable(size_t params) : params_(params) {}

  // A job of `trial` started at `rung`; a new trial's configuration is
  // `values` (one per parameter, NaN where inactive).
  void AddJob(uint32_t trial, int rung, std::span<const double> values);
  // The result of a job of `trial` trained to `epochs` (one per job): `ok`
  // with a finite metric, or not. A result at as many epochs as the
  // trial's metric or more replaces it; a failed one marks the trial.
  void AddResult(uint32_t trial, int epochs, bool ok, double metric);

  size_t size() const { return rows_.size(); }
  // The trial's configuration, one value per parameter.
  std::span<const double> Values(const TrialRow& row) const {
    return std::span<const double>(values_).subspan(row.values, params_);
  }
  // `finished`: the run ended, so none of its jobs runs any more.
  static TrialState StateOf(const TrialRow& row, bool finished);

  // The trials passing the filters, sorted by the key (missing metrics and
  // values last either way, ties by trial), one page of them; a page past
  // the end gives the last.
  TrialPage Query(const TrialQuery& query, bool finished) const;

 private:
  size_t params_;
  std::vector<TrialRow> rows_;                  // in the order trials started
  std::unordered_map<uint32_t, size_t> index_;  // trial -> position in rows_
  std::vector<double> values_;                  // params_ values per row
};

}  // namespace rungs::dashboard
