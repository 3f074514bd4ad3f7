#include "tune/journal_view.h"

#include <gtest/gtest.h>

namespace rungs::tune {
namespace {

job::JobResult ResultOf(job::Outcome outcome, job::Failure failure = job::Failure::kError) {
  job::JobResult r;
  r.outcome = outcome;
  r.failure = failure;
  r.error = "worded any way";
  return r;
}

// The kind is the outcome, or for a failure the kind it carries, whatever
// its message says.
TEST(FailureKind, NamesWhatWentWrongFromTheOutcomeAndTheFailure) {
  using job::Failure;
  using job::Outcome;
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kTimeout)), "timeout");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kDiverged)), "diverged");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kAbandoned)), "abandoned");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kRefused)), "refused");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, Failure::kLambdaService)), "Lambda service error");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, Failure::kLambdaFunction)), "Lambda function error");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, Failure::kLambdaResponse)), "bad Lambda response");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, Failure::kCrash)), "crash");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, Failure::kInternal)), "internal error");
  EXPECT_EQ(FailureKind(ResultOf(Outcome::kFailed, Failure::kError)), "error");
}

TEST(JournalView, CountsFailuresByKindMostFrequentFirst) {
  JournalView view;
  auto add = [&](job::Outcome outcome, job::Failure failure) {
    JobRow row;
    row.result = ResultOf(outcome, failure);
    view.jobs.push_back(row);
  };
  add(job::Outcome::kOk, job::Failure::kError);
  add(job::Outcome::kTimeout, job::Failure::kError);
  add(job::Outcome::kFailed, job::Failure::kLambdaService);
  add(job::Outcome::kFailed, job::Failure::kLambdaService);
  view.jobs.push_back(JobRow{});  // still running: no result
  std::vector<std::pair<std::string, uint64_t>> expected = {{"Lambda service error", 2}, {"timeout", 1}};
  EXPECT_EQ(view.FailuresByKind(), expected);
}

}  // namespace
}  // namespace rungs::tune
