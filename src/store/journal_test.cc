#include "store/journal.h"
#include "testing/temp_dir.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::store {
namespace {

using ::testing::HasSubstr;

// A fresh journal path per test, removed (with its -wal/-shm) afterwards.
class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    path_ = (dir_ / "journal.db").string();
  }

  static ExperimentRecord Experiment() {
    ExperimentRecord e;
    e.id = "exp-1";
    e.name = "unit test";
    e.space_toml = "[lr]\ntype = \"float\"\n";
    e.scheduler = "asha-evo";
    e.options_json = R"({"eta":3})";
    e.seed = 18446744073709551557ull;
    return e;
  }

  static job::Job Job(uint64_t id, uint32_t trial) {
    job::Job job;
    job.id = id;
    job.trial = trial;
    job.epochs_to = 3;
    job.config = {0.125, std::nan(""), 7};
    return job;
  }

  static job::JobResult ResultFor(uint64_t job, uint32_t trial, double metric) {
    job::JobResult r;
    r.job = job;
    r.trial = trial;
    r.metric = metric;
    r.epochs_trained = 3;
    r.seconds = 1.5;
    return r;
  }

  std::vector<JournalEntry> ReadAll(const Journal& journal) {
    std::vector<JournalEntry> entries;
    Status status = journal.Replay([&](const JournalEntry& e) {
      entries.push_back(e);
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return entries;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(JournalTest, ExperimentRoundTripsThroughTheFile) {
  {
    Result<Journal> journal = Journal::Create(path_, Experiment());
    ASSERT_TRUE(journal.ok()) << journal.message();
    EXPECT_FALSE(journal->experiment().created.empty());
  }
  Result<Journal> reopened = Journal::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.message();
  const ExperimentRecord& e = reopened->experiment();
  EXPECT_EQ(e.id, "exp-1");
  EXPECT_EQ(e.name, "unit test");
  EXPECT_EQ(e.space_toml, Experiment().space_toml);
  EXPECT_EQ(e.scheduler, "asha-evo");
  EXPECT_EQ(e.options_json, R"({"eta":3})");
  EXPECT_EQ(e.seed, 18446744073709551557ull);
  EXPECT_EQ(e.format, kJournalFormat);
}

TEST_F(JournalTest, ReplayMergesAllKindsInCallOrder) {
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok()) << journal.message();
  ASSERT_TRUE(journal->AddJob(1, Job(10, 0), 0).ok());
  ASSERT_TRUE(journal->AddJob(2, Job(11, 1), 0).ok());
  ASSERT_TRUE(journal->AddRefusal(3, 0).ok());
  ASSERT_TRUE(journal->AddEvent(4, EventKind::kEvolutionEnabled, "by hand", 0.5).ok());
  ASSERT_TRUE(journal->AddResult(5, ResultFor(11, 1, 0.75), 2.0).ok());
  ASSERT_TRUE(journal->AddJob(6, Job(12, 2), 2.0).ok());
  ASSERT_TRUE(journal->AddResult(7, ResultFor(10, 0, std::nan("")), 3.0).ok());
  ASSERT_TRUE(journal->Commit().ok());

  Result<Journal> reopened = Journal::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.message();
  std::vector<JournalEntry> entries = ReadAll(*reopened);
  ASSERT_EQ(entries.size(), 7u);
  using K = JournalEntry::Kind;
  std::vector<K> kinds;
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, i + 1);
    kinds.push_back(entries[i].kind);
  }
  EXPECT_EQ(kinds, (std::vector<K>{K::kJob, K::kJob, K::kRefusal, K::kEvent, K::kResult, K::kJob,
                                   K::kResult}));
  EXPECT_EQ(entries[1].job.id, 11u);
  EXPECT_EQ(entries[1].job.config[0], 0.125);
  EXPECT_TRUE(std::isnan(entries[1].job.config[1]));
  EXPECT_EQ(entries[3].event, EventKind::kEvolutionEnabled);
  EXPECT_EQ(entries[3].detail, "by hand");
  EXPECT_EQ(entries[3].now, 0.5);
  EXPECT_EQ(entries[4].result.metric, 0.75);
  EXPECT_EQ(entries[4].now, 2.0);
  EXPECT_TRUE(std::isnan(entries[6].result.metric));

  Result<JournalSummary> summary = reopened->Summary();
  ASSERT_TRUE(summary.ok()) << summary.message();
  EXPECT_EQ(summary->jobs, 3u);
  EXPECT_EQ(summary->results, 2u);
  EXPECT_EQ(summary->next_seq, 8u);
  EXPECT_EQ(summary->last_now, 3.0);
}

TEST_F(JournalTest, DuplicateResultIsIgnoredAndUnknownJobRefused) {
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(journal->AddJob(1, Job(10, 0), 0).ok());
  Result<bool> first = journal->AddResult(2, ResultFor(10, 0, 0.5), 1);
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_TRUE(*first);
  Result<bool> again = journal->AddResult(3, ResultFor(10, 0, 0.9), 2);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(*again);
  Result<bool> stranger = journal->AddResult(4, ResultFor(99, 5, 0.9), 2);
  ASSERT_FALSE(stranger.ok());
  EXPECT_THAT(stranger.message(), HasSubstr("job 99"));
  ASSERT_TRUE(journal->Commit().ok());

  std::vector<JournalEntry> entries = ReadAll(*journal);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].result.metric, 0.5);  // the first delivery wins
}

TEST_F(JournalTest, AnErrorQuotingBytesThatAreNotUtf8IsRecordedWithReplacements) {
  // A failing --command printing latin-1 to stderr once ended a tune with
  // "internal error: [json.exception.type_error.316] invalid UTF-8 byte".
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(journal->AddJob(1, Job(10, 0), 0).ok());
  job::JobResult failed = ResultFor(10, 0, 0);
  failed.outcome = job::Outcome::kFailed;
  failed.error = "command failed; stderr:\ncaf\xE9 \xFF";
  Result<bool> added = journal->AddResult(2, failed, 1);
  ASSERT_TRUE(added.ok()) << added.message();
  ASSERT_TRUE(journal->Commit().ok());

  std::vector<JournalEntry> entries = ReadAll(*journal);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].result.outcome, job::Outcome::kFailed);
  EXPECT_EQ(entries[1].result.error, "command failed; stderr:\ncaf\xEF\xBF\xBD \xEF\xBF\xBD");
}

TEST_F(JournalTest, AnErrorQuotingASignedDataUrlIsRecordedWithoutItsSecrets) {
  // A worker that cannot fetch a presigned URL says so, quoting it.
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(journal->AddJob(1, Job(10, 0), 0).ok());
  job::JobResult failed = ResultFor(10, 0, 0);
  failed.outcome = job::Outcome::kFailed;
  failed.error = "download of https://u:pw@h/t.txt?X-Amz-Signature=abc failed: HTTP status 403";
  ASSERT_TRUE(journal->AddResult(2, failed, 1).ok());
  ASSERT_TRUE(journal->Commit().ok());

  std::vector<JournalEntry> entries = ReadAll(*journal);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].result.error,
            "download of https://REDACTED@h/t.txt?X-Amz-Signature=REDACTED failed: HTTP status 403");
}

TEST_F(JournalTest, UncommittedWritesVanishCommittedOnesStay) {
  {
    Result<Journal> journal = Journal::Create(path_, Experiment());
    ASSERT_TRUE(journal.ok());
    ASSERT_TRUE(journal->AddJob(1, Job(10, 0), 0).ok());
    ASSERT_TRUE(journal->Commit().ok());
    ASSERT_TRUE(journal->AddJob(2, Job(11, 1), 0).ok());
    // Closed without Commit: the open transaction rolls back.
  }
  Result<Journal> reopened = Journal::Open(path_);
  ASSERT_TRUE(reopened.ok());
  std::vector<JournalEntry> entries = ReadAll(*reopened);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].job.id, 10u);
}

TEST_F(JournalTest, CreateRefusesAnExistingJournal) {
  ASSERT_TRUE(Journal::Create(path_, Experiment()).ok());
  Result<Journal> again = Journal::Create(path_, Experiment());
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.message(), HasSubstr("already holds a journal"));
  EXPECT_THAT(again.message(), HasSubstr(path_));
}

// A Create killed part-way leaves PATH.creating, never a partial PATH; the
// next Create builds over the leftover and removes it.
TEST_F(JournalTest, CreateReplacesTheLeftoverOfAnInterruptedCreate) {
  const std::string leftover = path_ + ".creating";
  std::ofstream(leftover, std::ios::binary) << "SQLite format 3 and then the kill";
  std::ofstream(leftover + "-wal", std::ios::binary) << "half a WAL";
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok()) << journal.message();
  EXPECT_FALSE(std::filesystem::exists(leftover));
  EXPECT_FALSE(std::filesystem::exists(leftover + "-wal"));
  EXPECT_EQ(journal->experiment().id, Experiment().id);
  EXPECT_TRUE(Journal::Open(path_).ok());
}

TEST_F(JournalTest, OpenRefusesFilesThatAreNotJournals) {
  Result<Journal> missing = Journal::Open(path_);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.message(), HasSubstr(path_));

  std::ofstream(path_) << "this is not a database, just some text that is long enough";
  Result<Journal> text = Journal::Open(path_);
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.message(), HasSubstr("not a rungs journal"));
}

TEST_F(JournalTest, OpenRefusesANewerFormat) {
  {
    Result<Journal> journal = Journal::Create(path_, Experiment());
    ASSERT_TRUE(journal.ok());
  }
  {
    Result<Database> db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Execute("PRAGMA user_version = 99").ok());
  }
  Result<Journal> journal = Journal::Open(path_);
  ASSERT_FALSE(journal.ok());
  EXPECT_THAT(journal.message(), HasSubstr("format 99"));
}

TEST_F(JournalTest, CorruptRowIsReportedByTableSeqAndField) {
  {
    Result<Journal> journal = Journal::Create(path_, Experiment());
    ASSERT_TRUE(journal.ok());
    ASSERT_TRUE(journal->AddJob(1, Job(10, 0), 0).ok());
    ASSERT_TRUE(journal->AddJob(2, Job(11, 1), 0).ok());
    ASSERT_TRUE(journal->Commit().ok());
  }
  {
    Result<Database> db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        db->Execute("UPDATE jobs SET job = json_set(job, '$.epochs_to', -4) WHERE seq = 2").ok());
  }
  Result<Journal> journal = Journal::Open(path_);
  ASSERT_TRUE(journal.ok());
  int seen = 0;
  Status status = journal->Replay([&](const JournalEntry&) {
    ++seen;
    return Status::Ok();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(seen, 1);
  EXPECT_THAT(status.message(), HasSubstr("jobs seq 2"));
  EXPECT_THAT(status.message(), HasSubstr("'epochs_to'"));
}

}  // namespace
}  // namespace rungs::store
