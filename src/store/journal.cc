#include "store/journal.h"

#include <array>
#include <cmath>
#include <ctime>

#include <nlohmann/json.hpp>

#include "base/redact.h"
#include "job/job_json.h"

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

// WAL lets report readers run beside the writer; synchronous=NORMAL syncs
// the WAL at checkpoints only, so a commit survives the process dying but
// not necessarily the machine (doc/journal.md, "Durability").
constexpr std::string_view kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384;";

constexpr std::array<EventKind, 4> kEventKinds = {EventKind::kEvolutionEnabled,
                                                  EventKind::kResumed, EventKind::kFinished,
                                                  EventKind::kBudgetChanged};

std::string NowIso8601() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Result<int> UserVersion(const Database& db) {
  Result<Statement> stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  return int(stmt->Int(0));
}

}  // namespace

std::string_view EventName(EventKind kind) {
  switch (kind) {
    case EventKind::kEvolutionEnabled: return "evolution_enabled";
    case EventKind::kResumed: return "resumed";
    case EventKind::kFinished: return "finished";
    case EventKind::kBudgetChanged: return "budget_changed";
  }
  return "unknown";
}

Result<Journal> Journal::Create(const std::string& path, ExperimentRecord experiment) {
  Result<Database> db = Database::Open(path, /*create=*/true);
  if (!db.ok()) return db.error();
  Result<int> version = UserVersion(*db);
  if (!version.ok()) return version.error();
  if (*version != 0) {
    return Fail(path + ": already holds a journal (format " + std::to_string(*version) +
                "); resume it instead of creating a new one");
  }
  if (experiment.created.empty()) experiment.created = NowIso8601();
  experiment.format = kJournalFormat;

  Journal journal(std::move(*db));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute(kPragmas));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute("BEGIN"));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute(kSchema));
  Result<Statement> insert = journal.db_.Prepare(
      "INSERT INTO experiment VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
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
  RUNGS_RETURN_IF_ERROR(
      journal.db_.Execute("PRAGMA user_version = " + std::to_string(kJournalFormat)));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute("COMMIT"));
  journal.experiment_ = std::move(experiment);
  RUNGS_RETURN_IF_ERROR(journal.PrepareWriters());
  return journal;
}

Result<Journal> Journal::Open(const std::string& path) {
  Result<Database> db = Database::Open(path, /*create=*/false);
  if (!db.ok()) return db.error();
  Result<int> version = UserVersion(*db);
  if (!version.ok()) return Fail(path + ": not a rungs journal: " + version.message());
  if (*version == 0) return Fail(path + ": not a rungs journal (no format version)");
  if (*version > kJournalFormat) {
    return Fail(path + ": journal format " + std::to_string(*version) +
                " is newer than this rungs understands (" + std::to_string(kJournalFormat) + ")");
  }
  Journal journal(std::move(*db));
  RUNGS_RETURN_IF_ERROR(journal.db_.Execute(kPragmas));
  Result<Statement> select = journal.db_.Prepare(
      "SELECT id, name, created, space_toml, scheduler, options_json, seed, format "
      "FROM experiment");
  if (!select.ok()) return select.error();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Fail(path + ": table experiment is empty");
  ExperimentRecord& e = journal.experiment_;
  e.id = select->Text(0);
  e.name = select->Text(1);
  e.created = select->Text(2);
  e.space_toml = select->Text(3);
  e.scheduler = select->Text(4);
  e.options_json = select->Text(5);
  std::string seed = select->Text(6);
  char* end = nullptr;
  e.seed = std::strtoull(seed.c_str(), &end, 10);
  if (seed.empty() || *end != '\0') {
    return Fail(path + ": experiment field 'seed' is not an unsigned integer: '" + seed + "'");
  }
  e.format = int(select->Int(7));
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
  return Status::Ok();
}

Status Journal::Begin() {
  if (in_transaction_) return Status::Ok();
  RUNGS_RETURN_IF_ERROR(db_.Execute("BEGIN"));
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

namespace {

// One table's rows in seq order, decoded into entries one at a time.
class Cursor {
 public:
  using Decode = std::function<Status(const Statement&, JournalEntry&)>;
  Cursor(Statement stmt, Decode decode) : stmt_(std::move(stmt)), decode_(std::move(decode)) {}

  // Moves to the next row; `entry()` is valid while `done()` is false.
  Status Advance() {
    Result<bool> row = stmt_.Step();
    if (!row.ok()) return row.status();
    done_ = !*row;
    if (done_) return Status::Ok();
    entry_ = JournalEntry{};
    entry_.seq = uint64_t(stmt_.Int(0));
    return decode_(stmt_, entry_);
  }
  bool done() const { return done_; }
  const JournalEntry& entry() const { return entry_; }

 private:
  Statement stmt_;
  Decode decode_;
  JournalEntry entry_;
  bool done_ = false;
};

}  // namespace

Status Journal::Replay(const std::function<Status(const JournalEntry&)>& visit) const {
  const std::string& file = db_.path();
  auto origin = [&](std::string_view table, const JournalEntry& e) {
    return file + ": " + std::string(table) + " seq " + std::to_string(e.seq);
  };
  std::vector<Cursor> cursors;
  auto add = [&](std::string_view sql, Cursor::Decode decode) -> Status {
    Result<Statement> stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    cursors.emplace_back(std::move(*stmt), std::move(decode));
    return cursors.back().Advance();
  };
  RUNGS_RETURN_IF_ERROR(add(
      "SELECT seq, now, job FROM jobs ORDER BY seq", [&](const Statement& s, JournalEntry& e) {
        e.kind = JournalEntry::Kind::kJob;
        e.now = s.Double(1);
        std::string where = origin("jobs", e);
        Result<nlohmann::json> json = job::ParseJson(s.Text(2), where);
        if (!json.ok()) return json.status();
        Result<job::Job> job = job::JobFromJson(*json, where);
        if (!job.ok()) return job.status();
        e.job = std::move(*job);
        return Status::Ok();
      }));
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now, result FROM results ORDER BY seq",
                            [&](const Statement& s, JournalEntry& e) {
                              e.kind = JournalEntry::Kind::kResult;
                              e.now = s.Double(1);
                              std::string where = origin("results", e);
                              Result<nlohmann::json> json = job::ParseJson(s.Text(2), where);
                              if (!json.ok()) return json.status();
                              Result<job::JobResult> r = job::ResultFromJson(*json, where);
                              if (!r.ok()) return r.status();
                              e.result = std::move(*r);
                              return Status::Ok();
                            }));
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now FROM refusals ORDER BY seq",
                            [](const Statement& s, JournalEntry& e) {
                              e.kind = JournalEntry::Kind::kRefusal;
                              e.now = s.Double(1);
                              return Status::Ok();
                            }));
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now, kind, detail FROM events ORDER BY seq",
                            [&](const Statement& s, JournalEntry& e) {
                              e.kind = JournalEntry::Kind::kEvent;
                              e.now = s.Double(1);
                              std::string name = s.Text(2);
                              for (EventKind k : kEventKinds) {
                                if (EventName(k) == name) {
                                  e.event = k;
                                  e.detail = s.Text(3);
                                  return Status::Ok();
                                }
                              }
                              return Status(Fail(origin("events", e) +
                                                 ": field 'kind' is unknown: '" + name + "'"));
                            }));
  // Merge the four seq-ordered streams into one.
  while (true) {
    Cursor* next = nullptr;
    for (Cursor& c : cursors) {
      if (!c.done() && (next == nullptr || c.entry().seq < next->entry().seq)) next = &c;
    }
    if (next == nullptr) return Status::Ok();
    RUNGS_RETURN_IF_ERROR(visit(next->entry()));
    RUNGS_RETURN_IF_ERROR(next->Advance());
  }
}

}  // namespace rungs::store
