// ExperimentFeed: one experiment as the dashboard sees it. It tails the
// experiment's journal read-only (store::JournalReader, beside a run that
// may be writing it) and keeps only parsed state: the view the report's
// charts are drawn from (tune::JournalView), the trials table
// (TrialTable), and the counters, rung ladder and events the page shows
// (its overview, doc/dashboard.md "The event stream"). Each poll can also
// give its new jobs, results and events as JSON rows for the page; none is
// kept. The experiment is a `rungs tune` output folder or a bare journal
// file (`rungs simulate --journal`); a folder whose journal does not exist
// yet (a run that is starting) is simply empty until it does. Not
// thread-safe: the server calls it under its lock.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "dashboard/trial_table.h"
#include "report/html_report.h"
#include "space/space.h"
#include "store/journal_reader.h"
#include "tune/journal_view.h"
#include "tune/tune_spec.h"

namespace rungs::dashboard {

// The only files of an experiment folder the dashboard serves.
inline constexpr const char* kServedFiles[] = {"best.bin", "best.toml", "best.json", "trials.csv",
                                               "report.html"};

class ExperimentFeed {
 public:
  // `index` is the experiment's number on the page (the rows' "x").
  ExperimentFeed(std::string path, int index);

  // Reads what was committed since the last call. Nothing when nothing
  // changed (no entry, no new error); else the new jobs, results and events
  // as a JSON array of rows (doc/dashboard.md, "Rows"), or an empty array
  // without `with_rows` (the server's first read, of everything so far).
  // Why the journal or experiment.json cannot be read goes into
  // Describe() and the overview.
  std::optional<nlohmann::json> Poll(bool with_rows);

  // The experiment's number on the page.
  int index() const { return index_; }
  // The last journal seq read: what the experiment shows changes with it.
  uint64_t seq() const { return last_seq_; }
  // The journal's file, whether or not it exists yet.
  const std::string& journal_path() const { return journal_path_; }
  // The folder the experiment's outputs (kServedFiles) are in; a bare
  // journal has none.
  const std::string& dir() const { return dir_; }
  bool has_outputs() const { return !bare_journal_; }
  // What the page shows about the experiment itself: names, settings,
  // budget, parameters (null fields until the journal exists).
  nlohmann::json Describe() const;
  // The counters, rung ladder, best trial and last events as of the last
  // poll (doc/dashboard.md, "Overview").
  const nlohmann::json& Overview() const { return overview_; }

  // The position of the parameter `name` among Describe()'s params, if
  // it is one of them.
  std::optional<size_t> ParamIndex(const std::string& name) const;
  bool Categorical(size_t param) const { return !choice_names_[param].empty(); }
  // One page of the trials table (doc/dashboard.md, GET /api/trials).
  nlohmann::json Trials(const TrialQuery& query) const;

  // What report.html would draw now.
  Result<report::ReportData> Report() const;
  // What one trial's learning curve is drawn from: its results only.
  report::ReportData CurveData(uint32_t trial) const;

 private:
  // Reads the entries after last_seq_ when some were committed (or, with
  // `retry`, after an error, anyway), adding their rows to `rows` unless it
  // is null.
  Status ReadNew(nlohmann::json* rows, bool retry);
  Status Open();
  Status Take(const store::JournalEntry& e, nlohmann::json* rows);
  nlohmann::json NamedConfig(std::span<const double> values) const;
  std::vector<double> ShownValues(const space::Config& config) const;
  nlohmann::json Row(const store::JournalEntry& e) const;
  nlohmann::json MakeOverview() const;

  int index_;
  std::string dir_;
  std::string journal_path_;
  bool bare_journal_;  // a journal file, no experiment.json beside it
  std::optional<tune::TuneSpec> spec_;
  std::optional<space::Space> space_;
  std::optional<store::JournalReader> reader_;
  std::string error_;  // why the last poll failed, or ""
  uint64_t last_seq_ = 0;

  tune::JournalView view_;
  // The space's parameters the page shows (not fixed), and the names of
  // each categorical one's choices (empty for numeric ones).
  std::vector<size_t> shown_;
  std::vector<std::vector<nlohmann::json>> choice_names_;
  TrialTable table_{0};

  // What the overview counts.
  struct RungCount {
    int epochs = 0;  // of the rung's first job
    uint64_t done = 0;
    uint64_t running = 0;
  };
  struct Event {
    double t = 0;
    std::string name;
    std::string detail;
  };
  std::vector<RungCount> rungs_;
  std::deque<Event> events_;  // the last kShownEvents
  uint64_t results_ = 0;
  uint64_t running_ = 0;
  int64_t epochs_ = 0;
  double gb_seconds_ = 0;
  double last_t_ = 0;
  bool finished_ = false;
  nlohmann::json overview_;
};

}  // namespace rungs::dashboard
