// The trials table: what state, rung and metric a trial shows as its jobs
// start and finish, and which page of which trials a query gives.
#include "dashboard/trial_table.h"

#include <cmath>

#include <gtest/gtest.h>

namespace rungs::dashboard {
namespace {

std::vector<uint32_t> TrialsOf(const TrialPage& page) {
  std::vector<uint32_t> trials;
  for (const TrialRow* row : page.rows) trials.push_back(row->trial);
  return trials;
}

// The row of `trial` as the table shows it now.
TrialRow RowOf(const TrialTable& table, uint32_t trial) {
  for (const TrialRow* row : table.Query({.size = 1000}, false).rows) {
    if (row->trial == trial) return *row;
  }
  ADD_FAILURE() << "no trial " << trial;
  return {};
}

TEST(TrialTable, ATrialShowsItsHighestRungAndItsResultAtTheMostEpochs) {
  TrialTable table(1);
  table.AddJob(7, 0, std::vector<double>{0.5});
  EXPECT_EQ(TrialTable::StateOf(RowOf(table, 7), false), TrialState::kRunning);
  EXPECT_EQ(TrialTable::StateOf(RowOf(table, 7), true), TrialState::kStopped);  // the run ended
  table.AddResult(7, 1, true, 0.6);
  EXPECT_EQ(TrialTable::StateOf(RowOf(table, 7), false), TrialState::kDone);
  table.AddJob(7, 1, {});  // promoted: its configuration stays the first job's
  EXPECT_EQ(RowOf(table, 7).rung, 1);
  EXPECT_EQ(TrialTable::StateOf(RowOf(table, 7), false), TrialState::kRunning);
  table.AddResult(7, 3, true, 0.8);
  EXPECT_EQ(RowOf(table, 7).epochs, 3);
  EXPECT_DOUBLE_EQ(RowOf(table, 7).metric, 0.8);
  EXPECT_DOUBLE_EQ(table.Values(RowOf(table, 7))[0], 0.5);
  table.AddJob(7, 2, {});
  table.AddResult(7, 9, false, std::nan(""));
  EXPECT_EQ(RowOf(table, 7).epochs, 3);  // a failed job keeps the last metric
  EXPECT_TRUE(RowOf(table, 7).failed);
  EXPECT_EQ(TrialTable::StateOf(RowOf(table, 7), false), TrialState::kDone);

  table.AddJob(8, 0, std::vector<double>{0.1});
  table.AddResult(8, 1, false, std::nan(""));
  EXPECT_EQ(TrialTable::StateOf(RowOf(table, 8), false), TrialState::kFailed);
  EXPECT_DOUBLE_EQ(table.Values(RowOf(table, 8))[0], 0.1);
  EXPECT_EQ(table.size(), 2u);
}

// Trials 1..6: trial t has parameter value t/10; 1 and 3 reached rung 1;
// 1..4 are done with metric (7 - t)/10; 5 is running and 6 failed.
TrialTable SixTrials() {
  TrialTable table(1);
  for (uint32_t t = 1; t <= 6; ++t) table.AddJob(t, 0, std::vector<double>{t / 10.0});
  for (uint32_t t : {1u, 3u}) {
    table.AddResult(t, 1, true, 0.05);
    table.AddJob(t, 1, {});
  }
  for (uint32_t t = 1; t <= 4; ++t) table.AddResult(t, 3, true, (7 - t) / 10.0);
  table.AddResult(6, 1, false, std::nan(""));
  return table;
}

TEST(TrialTable, SortsEitherWayWithMissingMetricsLast) {
  TrialTable table = SixTrials();
  TrialQuery q;
  q.key = TrialQuery::Key::kMetric;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{4, 3, 2, 1, 5, 6}));
  q.descending = true;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
  q.key = TrialQuery::Key::kParam;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{6, 5, 4, 3, 2, 1}));
  q.key = TrialQuery::Key::kState;  // by name: running, failed, done; ties by trial
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{5, 6, 1, 2, 3, 4}));
  q.key = TrialQuery::Key::kRung;
  q.descending = false;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{2, 4, 5, 6, 1, 3}));
}

TEST(TrialTable, FiltersByRungStateAndParameterRange) {
  TrialTable table = SixTrials();
  TrialQuery q;
  q.rung = 0;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{2, 4, 5, 6}));
  q.state = TrialState::kDone;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{2, 4}));
  q = {};
  q.state = TrialState::kStopped;
  EXPECT_EQ(TrialsOf(table.Query(q, /*finished=*/true)), (std::vector<uint32_t>{5}));
  q = {};
  q.range_param = 0;
  q.min = 0.25;
  q.max = 0.55;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{3, 4, 5}));
  EXPECT_EQ(table.Query(q, false).matched, 3u);
}

TEST(TrialTable, PagesThroughTheMatchesAndGivesTheLastPagePastTheEnd) {
  TrialTable table = SixTrials();
  TrialQuery q;
  q.size = 4;
  TrialPage first = table.Query(q, false);
  EXPECT_EQ(TrialsOf(first), (std::vector<uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(first.matched, 6u);
  q.page = 1;
  EXPECT_EQ(TrialsOf(table.Query(q, false)), (std::vector<uint32_t>{5, 6}));
  q.page = 1000000;
  TrialPage past = table.Query(q, false);
  EXPECT_EQ(past.page, 1u);
  EXPECT_EQ(TrialsOf(past), (std::vector<uint32_t>{5, 6}));
  q.rung = 9;
  TrialPage none = table.Query(q, false);
  EXPECT_EQ(none.matched, 0u);
  EXPECT_EQ(none.page, 0u);
  EXPECT_TRUE(none.rows.empty());
}

TEST(TrialStates, NamesReadBack) {
  for (TrialState s : {TrialState::kDone, TrialState::kFailed, TrialState::kRunning, TrialState::kStopped}) {
    EXPECT_EQ(ParseTrialState(TrialStateName(s)), s);
  }
  EXPECT_FALSE(ParseTrialState("finished").has_value());
}

}  // namespace
}  // namespace rungs::dashboard
