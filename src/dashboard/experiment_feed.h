// ExperimentFeed: one experiment as the dashboard sees it. It tails the
// experiment's journal read-only (store::JournalReader, beside a run that
// may be writing it), keeps the view the report's charts are drawn from
// (tune::JournalView), and turns each new job, result and event into one
// JSON row for the page (doc/dashboard.md, "Rows"). The experiment is a
// `rungs tune` output folder or a bare journal file (`rungs simulate
// --journal`); a folder whose journal does not exist yet (a run that is
// starting) is simply empty until it does. Not thread-safe: the server
// calls it under its lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
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

  // Reads what was committed since the last call and appends one row per
  // new job, result and event to `rows`. Fails naming the file when the
  // journal or the folder's experiment.json cannot be read.
  Status Poll(std::vector<std::string>& rows);

  // The journal's file, whether or not it exists yet.
  const std::string& journal_path() const { return journal_path_; }
  // The folder the experiment's outputs (kServedFiles) are in; a bare
  // journal has none.
  const std::string& dir() const { return dir_; }
  bool has_outputs() const { return !bare_journal_; }
  // What the page shows about the experiment itself: names, settings,
  // budget, parameters (null fields until the journal exists).
  nlohmann::json Describe() const;
  // What report.html would draw now.
  Result<report::ReportData> Report() const;

 private:
  std::string JobRow(const store::JournalEntry& e) const;
  std::string ResultRow(const store::JournalEntry& e) const;
  std::string EventRow(const store::JournalEntry& e) const;

  int index_;
  std::string dir_;
  std::string journal_path_;
  bool bare_journal_;  // a journal file, no experiment.json beside it
  std::optional<tune::TuneSpec> spec_;
  std::optional<space::Space> space_;
  std::optional<store::JournalReader> reader_;
  tune::JournalView view_;
  uint64_t last_seq_ = 0;
};

}  // namespace rungs::dashboard
