#include "tune/journal_view.h"

#include <gtest/gtest.h>

#include <tuple>

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

store::JournalEntry JobEntry(uint64_t id, uint32_t trial, int epochs) {
  store::JournalEntry e;
  e.kind = store::JournalEntry::Kind::kJob;
  e.job.id = id;
  e.job.trial = trial;
  e.job.epochs_to = epochs;
  return e;
}

store::JournalEntry ResultEntry(uint64_t id, double metric) {
  store::JournalEntry e;
  e.kind = store::JournalEntry::Kind::kResult;
  e.result.job = id;
  e.result.metric = metric;
  return e;
}

store::JournalEntry FinishedEntry(const std::string& detail) {
  store::JournalEntry e;
  e.kind = store::JournalEntry::Kind::kEvent;
  e.event = store::EventKind::kFinished;
  e.detail = detail;
  return e;
}

TEST(JournalView, CandidatesAreTheBestResultOfEachTrialBestFirst) {
  JournalView view;
  for (const auto& [id, trial, epochs, metric] :
       std::vector<std::tuple<uint64_t, uint32_t, int, double>>{
           {1, 0, 3, 0.70}, {2, 1, 3, 0.80}, {3, 2, 3, 0.60}, {4, 1, 9, 0.85}, {5, 0, 9, 0.75}}) {
    ASSERT_TRUE(view.Add(JobEntry(id, trial, epochs), "j").ok());
    ASSERT_TRUE(view.Add(ResultEntry(id, metric), "j").ok());
  }
  std::vector<BestTrial> candidates = view.Candidates(true, 2);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].trial, 1u);
  EXPECT_EQ(candidates[0].epochs, 9);
  EXPECT_EQ(candidates[1].trial, 0u);
  EXPECT_EQ(candidates[1].epochs, 9);
  EXPECT_EQ(view.Candidates(true, 10).size(), 3u);
}

// The run's end journals the cross-check; the best is its choice until a
// later search starts a job.
TEST(JournalView, TheCrossCheckedChoiceHoldsUntilAJobStartsAgain) {
  JournalView view;
  for (const auto& [id, trial, metric] :
       std::vector<std::tuple<uint64_t, uint32_t, double>>{{1, 0, 0.9}, {2, 1, 0.8}}) {
    ASSERT_TRUE(view.Add(JobEntry(id, trial, 3), "j").ok());
    ASSERT_TRUE(view.Add(ResultEntry(id, metric), "j").ok());
  }
  EXPECT_EQ(view.Best(true)->trial, 0u);
  ASSERT_TRUE(view.Add(FinishedEntry(R"({"stopped_because":"done","cross_checked":[)"
                                     R"({"trial":0,"epochs":3,"metric":0.7},)"
                                     R"({"trial":1,"epochs":3,"metric":0.75}]})"),
                       "j")
                  .ok());
  ASSERT_EQ(view.end->cross_checked.size(), 2u);
  EXPECT_EQ(view.Best(true)->trial, 1u);
  EXPECT_EQ(view.Best(true)->metric, 0.8);  // the search's own metric
  EXPECT_EQ(view.CrossCheckedBest(true)->metric, 0.75);
  ASSERT_TRUE(view.Add(JobEntry(3, 2, 3), "j").ok());
  EXPECT_EQ(view.Best(true)->trial, 0u);
}

// A resume that searched nothing keeps the outputs (tune/tune_run.cc): the
// end is the last thing until a job starts or a late result comes in.
TEST(JournalView, TheEndIsLastUntilAJobOrAResultComesAfterIt) {
  JournalView view;
  EXPECT_FALSE(view.EndIsLast());
  ASSERT_TRUE(view.Add(JobEntry(1, 0, 3), "j").ok());
  ASSERT_TRUE(view.Add(FinishedEntry(R"({"stopped_because":"stop requested"})"), "j").ok());
  EXPECT_TRUE(view.EndIsLast());
  ASSERT_TRUE(view.Add(ResultEntry(1, 0.5), "j").ok());
  EXPECT_FALSE(view.EndIsLast());
  ASSERT_TRUE(view.Add(FinishedEntry(R"({"stopped_because":"done"})"), "j").ok());
  EXPECT_TRUE(view.EndIsLast());
  ASSERT_TRUE(view.Add(JobEntry(2, 1, 3), "j").ok());
  EXPECT_FALSE(view.EndIsLast());
}

TEST(JournalView, AMalformedCrossCheckIsAnErrorNamingTheJournal) {
  JournalView view;
  Status added = view.Add(
      FinishedEntry(R"({"stopped_because":"done","cross_checked":[{"trial":0}]})"), "j.sqlite");
  ASSERT_FALSE(added.ok());
  EXPECT_NE(added.message().find("j.sqlite: seq 0: finished: a cross_checked entry needs trial"),
            std::string::npos)
      << added.message();
}

}  // namespace
}  // namespace rungs::tune
