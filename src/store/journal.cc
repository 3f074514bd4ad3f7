#include "store/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/redact.h"
#include "job/job_json.h"
#include "store/journal_read.h"

namespace rungs::store {
namespace {

// Schema of format 1 (doc/journal.md). The JSON columns are authoritative
// (the job protocol encoding); the others are copies for queries.
constexpr std::string_view kSchema = R"(
CREATE TABLE experiment (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL,
  space_toml TEXT NOT NULL, scheduler TEXT NOT NULL, options_json TEXT NOT NULL,
  seed TEXT NOT NULL, format INTEGER NOT NULL);
CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, trial INTEGER NOT NULL,
  rung INTEGER NOT NULL, now REAL NOT NULL, job TEXT NOT NULL);
CREATE TABLE results (
  seq INTEGER PRIMARY KEY, job INTEGER NOT NULL UNIQUE, trial INTEGER NOT NULL,
  rung INTEGER NOT NULL, outcome TEXT NOT NULL, metric REAL, now REAL NOT NULL,
  result TEXT NOT NULL);
CREATE TABLE refusals (seq INTEGER PRIMARY KEY, now REAL NOT NULL);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, detail TEXT NOT NULL, now REAL NOT NULL);
)";

// The request inbox: rows anyone may add (a dashboard), which the driver
// takes, in id order, naming the event that acted on each. A journal from
// before the inbox gets it when a driver opens it again.
constexpr std::string_view kInbox = R"(
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, detail TEXT NOT NULL,
  made TEXT NOT NULL, taken_seq INTEGER, outcome TEXT);
)";

// WAL lets report readers run beside the writer; synchronous=NORMAL syncs
// the WAL at checkpoints only, so a commit survives the process dying but
// not necessarily the machine (doc/journal.md, "Durability").
constexpr std::string_view kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384;";

std::string NowIso8601() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// A database file and the files SQLite keeps beside it.
void RemoveDatabaseFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}

void SyncFolderOf(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A new journal at `path` holding `experiment`, committed and closed (its
// WAL folded in, so the file alone is the whole journal).
Status WriteNewJournal(const std::string& path, const ExperimentRecord& experiment) {
  Result<Database> db = Database::Open(path, Database::Mode::kCreate);
  if (!db.ok()) return db.error();
  RUNGS_RETURN_IF_ERROR(db->Execute(kPragmas));
  RUNGS_RETURN_IF_ERROR(db->Execute("BEGIN"));
  RUNGS_RETURN_IF_ERROR(db->Execute(kSchema));
  RUNGS_RETURN_IF_ERROR(db->Execute(kInbox));
  Result<Statement> insert = db->Prepare("INSERT INTO experiment VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert.ok()) return insert.error();
  insert->Bind(1, experiment.id);
  insert->Bind(2, experiment.name);
  insert->Bind(3, experiment.created);
  insert->Bind(4, experiment.space_toml);
  insert->Bind(5, experiment.scheduler);
  insert->Bind(6, experiment.options_json);
  insert->Bind(7, std::to_string(experiment.seed));
  insert->Bind(8, int64_t{experiment.format});
  RUNGS_RETURN_IF_ERROR(insert->Run());
  RUNGS_RETURN_IF_ERROR(db->Execute("PRAGMA user_version = " + std::to_string(kJournalFormat)));
  return db->Execute("COMMIT");
}

}  // namespace

std::string_view EventName(EventKind kind) {
  switch (kind) {
    case EventKind::kEvolutionEnabled: return "evolution_enabled";
    case EventKind::kResumed: return "resumed";
    case EventKind::kFinished: return "finished";
    case EventKind::kStopRequested: return "stop_requested";
    case EventKind::kBudgetChanged: return "budget_changed";
  }
  return "unknown";
}

Result<Journal> Journal::Create(const std::string& path, ExperimentRecord experiment) {
  const std::string exists = path + ": already holds a journal; resume it instead of creating a new one";
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored)) return Fail(exists);
  if (experiment.created.empty()) experiment.created = NowIso8601();
  experiment.format = kJournalFormat;
  // Built whole beside `path`, then linked into place: a kill at any moment
  // leaves a complete journal at `path` or none (a leftover PATH.creating is
  // rebuilt by the next Create).
  const std::string building = path + ".creating";
  RemoveDatabaseFiles(building);
  RUNGS_RETURN_IF_ERROR(WriteNewJournal(building, experiment));
  if (::link(building.c_str(), path.c_str()) != 0) {
    const int error = errno;
    RemoveDatabaseFiles(building);
    if (error == EEXIST) return Fail(exists);
    return Fail(path + ": cannot create the journal: " + std::strerror(error));
  }
  RemoveDatabaseFiles(building);
  SyncFolderOf(path);
  return Open(path);
}

Result<Journal> Journal::Open(const std::string& path) {
  Result<Database> db = Database::Open(path, Database::Mode::kReadWrite);
  if (!db.ok()) return db.error();
  RUNGS_RETURN_IF_ERROR(CheckJournalFormat(*db));
  Journal journal(std::move(*db));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute(kPragmas));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute(kInbox));
  Result<ExperimentRecord> record = ReadExperimentRecord(journal.db_);
  if (!record.ok()) return record.error();
  journal.experiment_ = std::move(*record);
  RUNGS_RETURN_IF_ERROR(journal.PrepareWriters());
  return journal;
}

Status Journal::PrepareWriters() {
  auto prepare = [&](std::optional<Statement>& slot, std::string_view sql) -> Status {
    Result<Statement> stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    slot.emplace(std::move(*stmt));
    return Status::Ok();
  };
  RUNGS_RETURN_IF_ERROR(prepare(insert_job_, "INSERT INTO jobs VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  RUNGS_RETURN_IF_ERROR(prepare(
      insert_result_, "INSERT OR IGNORE INTO results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  RUNGS_RETURN_IF_ERROR(prepare(insert_refusal_, "INSERT INTO refusals VALUES (?1, ?2)"));
  RUNGS_RETURN_IF_ERROR(prepare(insert_event_, "INSERT INTO events VALUES (?1, ?2, ?3, ?4)"));
  RUNGS_RETURN_IF_ERROR(prepare(find_job_, "SELECT 1 FROM jobs WHERE id = ?1"));
  RUNGS_RETURN_IF_ERROR(prepare(
      pending_requests_,
      "SELECT id, kind, detail FROM requests WHERE outcome IS NULL ORDER BY id"));
  RUNGS_RETURN_IF_ERROR(
      prepare(take_request_, "UPDATE requests SET taken_seq = ?2, outcome = ?3 WHERE id = ?1"));
  return Status::Ok();
}

Status Journal::Begin() {
  if (in_transaction_) return Status::Ok();
  // IMMEDIATE: the write lock now, while the busy timeout still waits for
  // another writer (the request inbox's). A deferred transaction that read
  // first (AddResult does) fails at once with SQLITE_BUSY instead.
  RUNGS_RETURN_IF_ERROR(db_.Execute("BEGIN IMMEDIATE"));
  in_transaction_ = true;
  return Status::Ok();
}

Status Journal::AddJob(uint64_t seq, const job::Job& job, double now) {
  RUNGS_RETURN_IF_ERROR(Begin());
  Statement& s = *insert_job_;
  s.Bind(1, int64_t(seq));
  s.Bind(2, int64_t(job.id));
  s.Bind(3, int64_t{job.trial});
  s.Bind(4, int64_t{job.rung});
  s.Bind(5, now);
  s.Bind(6, job::JobToJson(job).dump());
  Status status = s.Run();
  if (!status.ok()) {
    return Fail("journal: cannot record job " + std::to_string(job.id) + ": " + status.message());
  }
  return Status::Ok();
}

Result<bool> Journal::AddResult(uint64_t seq, const job::JobResult& result, double now) {
  RUNGS_RETURN_IF_ERROR(Begin());
  Statement& find = *find_job_;
  find.Bind(1, int64_t(result.job));
  Result<bool> started = find.Step();
  find.Reset();
  if (!started.ok()) return started.error();
  if (!*started) {
    return Fail(path() + ": result for job " + std::to_string(result.job) +
                " which was never started");
  }
  Statement& s = *insert_result_;
  s.Bind(1, int64_t(seq));
  s.Bind(2, int64_t(result.job));
  s.Bind(3, int64_t{result.trial});
  s.Bind(4, int64_t{result.rung});
  s.Bind(5, job::OutcomeName(result.outcome));
  if (std::isfinite(result.metric)) {
    s.Bind(6, result.metric);
  } else {
    s.BindNull(6);
  }
  s.Bind(7, now);
  // An error may quote a data URL, whose secrets are not kept; and bytes
  // that are not UTF-8 (a command's stderr, a data file's line), which JSON
  // cannot hold: they are written as U+FFFD.
  job::JobResult stored = result;
  stored.error = RedactSecrets(result.error);
  s.Bind(8, job::ResultToJson(stored).dump(-1, ' ', false,
                                           nlohmann::json::error_handler_t::replace));
  RUNGS_RETURN_IF_ERROR(s.Run());
  return s.changes() == 1;
}

Status Journal::AddRefusal(uint64_t seq, double now) {
  RUNGS_RETURN_IF_ERROR(Begin());
  insert_refusal_->Bind(1, int64_t(seq));
  insert_refusal_->Bind(2, now);
  return insert_refusal_->Run();
}

Status Journal::AddEvent(uint64_t seq, EventKind kind, std::string_view detail, double now) {
  RUNGS_RETURN_IF_ERROR(Begin());
  Statement& s = *insert_event_;
  s.Bind(1, int64_t(seq));
  s.Bind(2, EventName(kind));
  s.Bind(3, detail);
  s.Bind(4, now);
  return s.Run();
}

Result<std::vector<Request>> Journal::PendingRequests() {
  std::vector<Request> pending;
  Statement& s = *pending_requests_;
  while (true) {
    Result<bool> row = s.Step();
    if (!row.ok()) {
      s.Reset();
      return row.error();
    }
    if (!*row) break;
    Request r;
    r.id = s.Int(0);
    r.kind = s.Text(1);
    r.detail = s.Text(2);
    pending.push_back(std::move(r));
  }
  s.Reset();
  return pending;
}

Status Journal::TakeRequest(int64_t id, uint64_t seq, std::string_view outcome) {
  RUNGS_RETURN_IF_ERROR(Begin());
  Statement& s = *take_request_;
  s.Bind(1, id);
  if (seq > 0) {
    s.Bind(2, int64_t(seq));
  } else {
    s.BindNull(2);  // refused: no event acted on it
  }
  s.Bind(3, outcome);
  return s.Run();
}

Status Journal::Commit() {
  if (!in_transaction_) return Status::Ok();
  in_transaction_ = false;
  return db_.Execute("COMMIT");
}

Result<JournalSummary> Journal::Summary() const {
  JournalSummary summary;
  Result<Statement> stmt = db_.Prepare(
      "SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM results), "
      "max(coalesce((SELECT max(seq) FROM jobs), 0), coalesce((SELECT max(seq) FROM results), 0),"
      "    coalesce((SELECT max(seq) FROM refusals), 0), coalesce((SELECT max(seq) FROM events), 0)),"
      "max(coalesce((SELECT max(now) FROM jobs), 0), coalesce((SELECT max(now) FROM results), 0),"
      "    coalesce((SELECT max(now) FROM refusals), 0), coalesce((SELECT max(now) FROM events), 0))");
  if (!stmt.ok()) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  summary.jobs = uint64_t(stmt->Int(0));
  summary.results = uint64_t(stmt->Int(1));
  summary.next_seq = uint64_t(stmt->Int(2)) + 1;
  summary.last_now = stmt->Double(3);
  return summary;
}

Status Journal::CheckIntact() const {
  const std::string damaged = db_.path() + " is damaged";
  Result<Statement> check = db_.Prepare("PRAGMA quick_check(5)");
  if (!check.ok()) return Fail(damaged + ": " + check.message());
  std::string problems;
  while (true) {
    Result<bool> row = check->Step();
    if (!row.ok()) return Fail(damaged + ": " + row.message());
    if (!*row) break;
    std::string line = check->Text(0);
    if (line == "ok") return Status::Ok();
    problems += (problems.empty() ? "" : "; ") + line;
  }
  return Fail(damaged + ": " + (problems.empty() ? "SQLite's check gave no answer" : problems));
}


Status Journal::Replay(const std::function<Status(const JournalEntry&)>& visit) const {
  return ReadEntriesAfter(db_, 0, visit);
}

}  // namespace rungs::store
