// RunTune: one `rungs tune` experiment on local workers or AWS Lambda, end
// to end, in the steps tune_run.cc reads in order:
//
//   1. plan the search: check the spec, the space and the scheduler, or read
//      them from the journal of a resumed experiment (tune/search_plan.h);
//   2. resolve where jobs run (tune/executor_choice.h); a resume whose
//      journal shows its budget spent (and no budget flag) searches
//      nothing: it keeps a finished run's outputs here, before the data is
//      read, noting a changed data file rather than refusing it;
//   3. fetch the data (tune/local_data.h), and find the local data files as
//      they are (tune/data_files.h): a resumed run refuses files changed
//      since it started;
//   4. build the trainable: data read, or command parsed (tune/trainable.h),
//      and what memory is left for jobs (tune/executor_choice.h);
//   5. lock the output folder for the run, and open the experiment:
//      experiment.json, data-files.json and a new journal, or the old
//      journal replayed
//      (tune/experiment_dir.h, driver/experiment_journal.h);
//   6. build the executor and run the search with its stop rules
//      (tune/search_loop.h), and copy the budget it ended with (raised by
//      requests) to experiment.json;
//      A resume that searched nothing keeps a finished run's outputs;
//   7. write the best model and score it on the test set (tune/best_model.h);
//   8. journal how the run ended (tune/journal_view.h), then write the
//      outputs and the summary from the journal (tune/experiment_report.h),
//      as `rungs report` rebuilds them.
//
// Steps 1-4 check everything they can, so bad input leaves no experiment
// behind. Not thread-safe (one per process: it runs worker threads of its
// own).
#pragma once

#include <functional>

#include "base/status.h"
#include "driver/run_budget.h"
#include "tune/experiment_report.h"
#include "tune/tune_progress.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct RunControl {
  ProgressMode progress = ProgressMode::kAuto;
  bool resume = false;                        // continue the experiment in spec.out
  // With resume: the totals its budget flags give (0: not given), in place
  // of the journal's (tune/search_plan.h, KeepNewBudget).
  driver::RunBudget budget_flags;
  // With resume: flags that change the run's end (--no-refit, --cross-check)
  // were given, so a finished run's end is made again even when nothing
  // more is searched (otherwise its outputs are kept).
  bool remake_end = false;
  std::function<bool()> stop_requested;       // polled: stop starting jobs
  std::function<bool()> evolution_requested;  // polled: switch evolution on
};

// Runs (or, with control.resume, continues) the experiment `spec`.
Result<TuneSummary> RunTune(const TuneSpec& spec, const RunControl& control);

}  // namespace rungs::tune
