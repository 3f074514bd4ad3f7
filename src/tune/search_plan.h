// SearchPlan: what an experiment searches, checked before any work starts.
// A new experiment takes it from its spec (the space file or the
// classifier's default space, the scheduler and its options); a resumed one
// from the record in its journal, so it searches exactly what it searched
// before, whatever happened to the space file since.
#pragma once

#include "base/status.h"
#include "driver/experiment_journal.h"
#include "sched/options.h"
#include "space/space.h"
#include "store/journal.h"
#include "trial/classifier_trial.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct SearchPlan {
  store::ExperimentRecord record;  // to journal (new) or as journaled (resumed)
  space::Space space;              // parsed from record.space_toml
  sched::Options options;          // parsed from record.options_json
  trial::Metric metric = trial::Metric::kAccuracy;  // the classifier's; unused for a command
};

// A resumed experiment's budget: the journal's (as the last run left it,
// extensions included) with the totals `flags` give (--resume DIR
// --budget-seconds 600; 0: not given) from now on, what was spent staying
// spent. A change is journaled (budget_changed, which later resumes
// replay), then copied to the experiment.json in `dir`.
Status KeepNewBudget(const driver::RunBudget& flags, const std::string& dir,
                     driver::Experiment& experiment);

// Checks `spec` (tune::Validate), then plans a new experiment in spec.out
// (refused when the folder holds one) or, with `resume`, reads the plan of
// the one there. Errors name the flag, file or key at fault.
Result<SearchPlan> PlanSearch(const TuneSpec& spec, bool resume);

}  // namespace rungs::tune
