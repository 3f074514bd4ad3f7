// `rungs journal check` on journals `rungs simulate --journal` writes: a
// whole journal replays into a fresh scheduler that issues every recorded
// job; a journal whose jobs that scheduler would not issue is refused,
// naming the entry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"
#include "testing/files.h"
#include "testing/run_program.h"
#include "testing/temp_dir.h"

namespace rungs::cli {
namespace {

using ::testing::HasSubstr;
using testing::RunResult;
using testing::RunRungs;
using testing::TestPath;
using testing::WriteFile;

// A finished journal of `jobs` simulated jobs, some failed.
std::string SimulatedJournal(const std::string& name, int jobs) {
  std::string path = TestPath(name);
  std::remove(path.c_str());
  RunResult run = RunRungs({"simulate", "--workers", "20", "--jobs", std::to_string(jobs),
                            "--seed", "5", "--failure-rate", "0.05", "--journal", path});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return path;
}

void Execute(const std::string& path, const std::string& sql) {
  Result<store::Database> db = store::Database::Open(path, store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.message();
  Status done = db->Execute(sql);
  ASSERT_TRUE(done.ok()) << done.message();
}

// What `rungs journal check JOURNAL --json` reports; null when it failed.
nlohmann::json CheckReport(const std::string& journal) {
  RunResult check = RunRungs({"journal", "check", journal, "--json"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  return nlohmann::json::parse(check.out, nullptr, false);
}

TEST(JournalCheck, AWholeJournalReplaysWithEveryJobAndResult) {
  std::string journal = SimulatedJournal("whole.db", 400);
  nlohmann::json report = CheckReport(journal);
  EXPECT_EQ(report["jobs"], 400);
  EXPECT_EQ(report["results"], 400);
  EXPECT_EQ(report["outstanding"], 0);
  EXPECT_GT(report["trials"].get<int>(), 0);
  EXPECT_TRUE(report.contains("best")) << report;

  RunResult text = RunRungs({"journal", "check", journal});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("replays exactly: 400 jobs"));
}

TEST(JournalCheck, JobsStartedButNotFinishedCountAsOutstanding) {
  std::string journal = SimulatedJournal("outstanding.db", 300);
  // As if the process was killed while the last three jobs ran.
  Execute(journal, "DELETE FROM results WHERE job IN (SELECT id FROM jobs ORDER BY seq DESC LIMIT 3)");
  nlohmann::json report = CheckReport(journal);
  EXPECT_EQ(report["jobs"], 300);
  EXPECT_EQ(report["results"], 297);
  EXPECT_EQ(report["outstanding"], 3);
}

TEST(JournalCheck, AJobTheReplayedSchedulerWouldNotIssueIsAnErrorNamingIt) {
  std::string journal = SimulatedJournal("changed.db", 300);
  // The 100th job claims more epochs than the scheduler gave it.
  Execute(journal,
          "UPDATE jobs SET job = json_set(job, '$.epochs_to', json_extract(job, '$.epochs_to') + 1) "
          "WHERE seq = (SELECT seq FROM jobs ORDER BY seq LIMIT 1 OFFSET 99)");
  RunResult check = RunRungs({"journal", "check", journal});
  EXPECT_FALSE(check.signalled) << check.err;
  EXPECT_EQ(check.exit_code, 1) << check.out;
  EXPECT_THAT(check.err, HasSubstr(journal));
  EXPECT_THAT(check.err, HasSubstr("seq"));
}

TEST(JournalCheck, AFileThatIsNotAJournalIsAClearError) {
  std::string path = TestPath("not_a_journal.txt");
  WriteFile(path, "just text\n");
  RunResult check = RunRungs({"journal", "check", path});
  EXPECT_FALSE(check.signalled) << check.err;
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.err, HasSubstr(path));
  RunResult missing = RunRungs({"journal", "check", TestPath("none")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("none"));
}

}  // namespace
}  // namespace rungs::cli
