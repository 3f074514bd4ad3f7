// The output folder of one `rungs tune` experiment, and what it holds:
//
//   journal.sqlite   the journal (doc/journal.md): the experiment's state
//   experiment.json  its spec as given (URLs and data set names, not cache
//                    paths; the keys of doc/tune-options.md), from which
//                    --resume and `rungs report` continue
//   best.bin, best.json, best.toml, trials.csv, report.html: the outputs,
//                    rebuilt from the journal (tune/experiment_report.h)
//
// Functions of one call each; not safe against two runs in one folder.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "driver/experiment_journal.h"
#include "store/journal.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

std::string JournalPath(const std::string& dir);

// OK when `dir` holds no experiment; otherwise an error saying how to
// continue it (--resume) or to choose another folder.
Status CheckNoExperimentIn(const std::string& dir);

// Creates spec.out (if needed) and writes experiment.json there, atomically.
Status SaveSpec(const TuneSpec& spec);

// The spec of the experiment in `dir`, with `out` set to `dir`.
Result<TuneSpec> ReadSavedSpec(const std::string& dir);

// The experiment in spec.out. With `new_record`: writes experiment.json,
// then creates the journal (driver::OpenExperiment); without: resumes the
// journal there.
Result<driver::Experiment> OpenExperimentIn(
    const TuneSpec& spec, const std::optional<store::ExperimentRecord>& new_record);

// The experiment record in the journal of `dir` (what it searches), read
// without replaying.
Result<store::ExperimentRecord> ReadRecord(const std::string& dir);

}  // namespace rungs::tune
