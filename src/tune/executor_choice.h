// Where a `rungs tune` runs its jobs: on local threads, the trainable in this
// process; or on AWS Lambda, each job one invocation of a function running
// `rungs worker`, which reads the data where the user gave it. The settings
// are resolved first, before any work (on Lambda: the region, endpoint and
// credentials, the AWS way); the executor is built once the trainable and
// the experiment exist. Either way it counts what runs per rung and what it
// costs (RungCounter), for the progress display and the dollar budget.
// Used by the driver thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "base/status.h"
#include "exec/lambda_executor.h"
#include "store/journal.h"
#include "tune/rung_counter.h"
#include "tune/search_plan.h"
#include "tune/trainable.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct ExecutorSettings {
  int workers = 1;                            // local: jobs at once
  std::optional<exec::LambdaOptions> lambda;  // set: on Lambda
};

// Fails naming the flag (or AWS setting) that is missing or wrong.
Result<ExecutorSettings> ResolveExecutor(const TuneSpec& spec);

class TuneExecutor {
 public:
  TuneExecutor(RungCounter counter, std::unique_ptr<exec::Executor> inner,
               std::function<void()> cancel_all);

  exec::Executor& executor() { return counting_; }
  const RungCounts& counts() const { return counter_.counts(); }
  // Stops the running jobs; they come back as timeouts.
  void CancelAll() { cancel_all_(); }

 private:
  RungCounter counter_;
  const std::unique_ptr<exec::Executor> inner_;
  const std::function<void()> cancel_all_;
  CountingExecutor counting_;  // wraps *inner_, counts into counter_
};

// `given` is the spec as the user gave it (Lambda workers fetch the data
// themselves), `local` the same with local files. `plan`, `trainable` and
// `journal` must outlive the executor.
Result<std::unique_ptr<TuneExecutor>> MakeExecutor(const ExecutorSettings& settings,
                                                   const TuneSpec& given, const TuneSpec& local,
                                                   const SearchPlan& plan, Trainable& trainable,
                                                   const store::Journal& journal);

}  // namespace rungs::tune
