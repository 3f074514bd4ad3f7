#include "store/journal_reader.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/request_inbox.h"

namespace rungs::store {
namespace {

using ::testing::HasSubstr;

class JournalReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rungs_journal_reader_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "journal.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static ExperimentRecord Experiment() {
    ExperimentRecord e;
    e.id = "exp-r";
    e.name = "reader test";
    e.space_toml = "[lr]\ntype = \"float\"\n";
    e.scheduler = "asha-evo";
    e.options_json = "{}";
    e.seed = 9;
    return e;
  }

  static job::Job Job(uint64_t id) {
    job::Job job;
    job.id = id;
    job.trial = uint32_t(id);
    job.epochs_to = 1;
    job.config = {0.5};
    return job;
  }

  static std::vector<uint64_t> SeqsAfter(const JournalReader& reader, uint64_t after) {
    std::vector<uint64_t> seqs;
    Status status = reader.ReadAfter(after, [&](const JournalEntry& e) {
      seqs.push_back(e.seq);
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return seqs;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(JournalReaderTest, TailsWhatTheWriterCommitsAndNothingElse) {
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok()) << journal.message();
  ASSERT_TRUE(journal->AddJob(1, Job(1), 0.5).ok());
  ASSERT_TRUE(journal->AddRefusal(2, 0.6).ok());
  ASSERT_TRUE(journal->Commit().ok());

  Result<JournalReader> reader = JournalReader::Open(path_);
  ASSERT_TRUE(reader.ok()) << reader.message();
  EXPECT_EQ(reader->experiment().id, "exp-r");
  EXPECT_EQ(*reader->Changed(), true);  // the first call
  EXPECT_EQ(SeqsAfter(*reader, 0), (std::vector<uint64_t>{1, 2}));

  ASSERT_TRUE(journal->AddEvent(3, EventKind::kStopRequested, "request 1", 0.7).ok());
  EXPECT_EQ(*reader->Changed(), false);  // not committed yet
  EXPECT_TRUE(SeqsAfter(*reader, 2).empty());
  ASSERT_TRUE(journal->Commit().ok());
  EXPECT_EQ(*reader->Changed(), true);
  EXPECT_EQ(*reader->Changed(), false);
  EXPECT_EQ(SeqsAfter(*reader, 2), std::vector<uint64_t>{3});
}

TEST_F(JournalReaderTest, RefusesWhatIsNotAJournalNamingTheFile) {
  Result<JournalReader> missing = JournalReader::Open(path_);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.message(), HasSubstr(path_));
  EXPECT_FALSE(std::filesystem::exists(path_)) << "reading must not create the file";

  std::ofstream(path_) << "not a database at all, just some text that is long enough";
  Result<JournalReader> text = JournalReader::Open(path_);
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.message(), HasSubstr(path_));
}

TEST_F(JournalReaderTest, RequestsWaitInIdOrderUntilTaken) {
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok()) << journal.message();
  Result<int64_t> evolve = PostRequest(path_, RequestKind::kEvolve, "{}");
  Result<int64_t> extend = PostRequest(path_, RequestKind::kExtend, R"({"jobs":5})");
  ASSERT_TRUE(evolve.ok()) << evolve.message();
  ASSERT_TRUE(extend.ok()) << extend.message();
  EXPECT_LT(*evolve, *extend);

  Result<std::vector<Request>> pending = journal->PendingRequests();
  ASSERT_TRUE(pending.ok()) << pending.message();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].kind, "evolve");
  EXPECT_EQ((*pending)[1].kind, "extend");
  EXPECT_EQ((*pending)[1].detail, R"({"jobs":5})");

  ASSERT_TRUE(journal->AddEvent(1, EventKind::kEvolutionEnabled, "request 1", 0).ok());
  ASSERT_TRUE(journal->TakeRequest(*evolve, 1, "ok").ok());
  ASSERT_TRUE(journal->Commit().ok());
  pending = journal->PendingRequests();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, *extend);
}

TEST_F(JournalReaderTest, TheDriverWaitsForAnotherWriterInsteadOfFailing) {
  Result<Journal> journal = Journal::Create(path_, Experiment());
  ASSERT_TRUE(journal.ok()) << journal.message();
  ASSERT_TRUE(journal->AddJob(1, Job(1), 0).ok());
  ASSERT_TRUE(journal->Commit().ok());
  // Another connection (the inbox's) holds the write lock for a moment.
  Database other = Database::Open(path_, Database::Mode::kReadWrite).value();
  ASSERT_TRUE(other.Execute("BEGIN IMMEDIATE; INSERT INTO requests (kind, detail, made) "
                            "VALUES ('stop', '{}', 'now')")
                  .ok());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(other.Execute("COMMIT").ok());
  });
  job::JobResult r = job::ResultFor(Job(1), job::Outcome::kOk);
  Result<bool> added = journal->AddResult(2, r, 1);  // reads, then writes
  release.join();
  ASSERT_TRUE(added.ok()) << added.message();
  EXPECT_TRUE(*added);
  ASSERT_TRUE(journal->Commit().ok());
  EXPECT_EQ(journal->PendingRequests()->size(), 1u);
}

TEST_F(JournalReaderTest, RequestKindsRoundTripAndUnknownOnesAreNamed) {
  for (RequestKind kind : kRequestKinds) {
    EXPECT_EQ(*ParseRequestKind(RequestKindName(kind)), kind);
  }
  Result<RequestKind> bad = ParseRequestKind("reboot");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.message(), HasSubstr("'reboot'"));
}

TEST_F(JournalReaderTest, PostingToSomethingElseFailsNamingIt) {
  Result<int64_t> missing = PostRequest(path_, RequestKind::kStop, "{}");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.message(), HasSubstr(path_));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

}  // namespace
}  // namespace rungs::store
