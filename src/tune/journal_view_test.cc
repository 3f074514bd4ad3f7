#include "tune/journal_view.h"

#include <gtest/gtest.h>

namespace rungs::tune {
namespace {

job::JobResult ResultOf(job::Outcome outcome, std::string error) {
  job::JobResult r;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

// The errors as the executors and trainables word them (exec/lambda_executor.cc,
// exec/invoke_client.cc, trial/command_trial.cc, exec/local_executor.cc).
TEST(FailureKind, NamesWhatWentWrongFromTheOutcomeAndTheError) {
  using job::Outcome;
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kTimeout, "stopped before the rung's epochs")), "timeout");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kDiverged, "training diverged")), "diverged");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kAbandoned, "abandoned: the experiment stopped")), "abandoned");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kRefused, "needs 3 GiB, the memory budget is 2 GiB")), "refused");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, "lambda invoke failed after 4 attempts: HTTP 503")),
            "Lambda service error");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, "function error (Unhandled) Runtime.ExitError: exit 2")),
            "Lambda function error");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, "'python3' was killed by signal 11 (SIGSEGV) before "
                                                 "reaching epoch 3")),
            "crash");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, "'train.sh' exited with status 3 before reaching epoch 9")),
            "crash");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, "internal error: bad_alloc")), "internal error");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, "lr must be positive")), "error");
}

TEST(JournalView, CountsFailuresByKindMostFrequentFirst) {
  JournalView view;
  auto add = [&](job::Outcome outcome, const std::string& error) {
    JobRow row;
    row.result = ResultOf(outcome, error);
    view.jobs.push_back(row);
  };
  add(job::Outcome::kOk, "");
  add(job::Outcome::kTimeout, "");
  add(job::Outcome::kFailed, "lambda invoke failed: HTTP 500");
  add(job::Outcome::kFailed, "lambda invoke failed: HTTP 429");
  view.jobs.push_back(JobRow{});  // still running: no result
  std::vector<std::pair<std::string, uint64_t>> expected = {{"Lambda service error", 2}, {"timeout", 1}};
  EXPECT_EQ(view.FailuresByKind(), expected);
}

}  // namespace
}  // namespace rungs::tune
