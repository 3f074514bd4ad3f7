// The output folder of one `rungs tune` experiment, and what it holds:
//
//   journal.sqlite   the journal (doc/journal.md): the experiment's state
//   experiment.json  its spec as given (URLs and data set names, not cache
//                    paths; local data paths made absolute; the keys of
//                    doc/tune-options.md), from which --resume and `rungs
//                    report` continue; its budget is a copy of the
//                    journal's, which holds every change
//   data-files.json  its local data files as they were when it started
//                    (tune/data_files.h), which --resume requires unchanged;
//                    experiments made before rungs wrote it have none
//   best.bin, best.json, best.toml, trials.csv, report.html: the outputs,
//                    rebuilt from the journal (tune/experiment_report.h)
//   .lock            held (flock) by the run using the folder
//
// A new experiment is written in that order, experiment.json first; the
// journal appears whole in one step (store::Journal::Create), so a folder
// holds a resumable experiment exactly when it holds journal.sqlite. What a
// creation killed before that leaves (experiment.json, journal.sqlite.
// creating, temporary files) is taken over by the next fresh run.
// Functions of one call each; one run per folder, which ExperimentLock
// enforces.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "driver/experiment_journal.h"
#include "store/journal.h"
#include "tune/data_files.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

std::string JournalPath(const std::string& dir);

// OK when `dir` is missing, empty, or holds only what an interrupted
// creation left; otherwise an error: for a folder a run is using, its pid;
// for an experiment, how to continue it (--resume); for other files, to
// choose another folder.
Status CheckNoExperimentIn(const std::string& dir);

// An exclusive lock on an experiment folder, held from Take until the
// object is destroyed or the process dies (flock on DIR/.lock, released by
// the kernel; not inherited by the trainables' processes).
class ExperimentLock {
 public:
  // Creates `dir` if needed and locks it; fails with "DIR is in use by pid
  // N" while another process holds it. Once locked, removes the temporary
  // files (NAME.tmp.PID) that killed writers left there.
  static Result<ExperimentLock> Take(const std::string& dir);
  // OK when no process holds the lock of `dir` (checked, not kept).
  static Status CheckFree(const std::string& dir);
  ExperimentLock(ExperimentLock&& other) noexcept;
  ExperimentLock& operator=(ExperimentLock&&) = delete;
  ~ExperimentLock();

 private:
  explicit ExperimentLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Creates spec.out (if needed) and writes experiment.json there, atomically.
Status SaveSpec(const TuneSpec& spec);

// The spec of the experiment in `dir`, with `out` set to `dir`; fails
// saying so when `dir` holds no experiment or only an interrupted creation.
Result<TuneSpec> ReadSavedSpec(const std::string& dir);

// What a new experiment writes down before its journal: the record the
// journal starts with, and the data files as the run found them.
struct NewExperiment {
  store::ExperimentRecord record;
  std::vector<DataFile> data_files;
};

// The experiment in spec.out, which the caller holds locked. With `created`:
// checks again that the folder holds no journal, writes experiment.json and
// data-files.json, then creates the journal (driver::OpenExperiment);
// without: resumes the journal there.
Result<driver::Experiment> OpenExperimentIn(const TuneSpec& spec,
                                            const std::optional<NewExperiment>& created);

// The data files recorded in `dir` when its experiment started; nullopt for
// an experiment made before rungs recorded them. Fails naming the file when
// it cannot be read or is damaged.
Result<std::optional<std::vector<DataFile>>> ReadDataFiles(const std::string& dir);

// Copies `budget` into the experiment.json of `dir` when it differs (after
// the journal recorded the change).
Status SaveBudget(const std::string& dir, const driver::RunBudget& budget);

// The experiment record in the journal of `dir` (what it searches), read
// without replaying.
Result<store::ExperimentRecord> ReadRecord(const std::string& dir);

}  // namespace rungs::tune
