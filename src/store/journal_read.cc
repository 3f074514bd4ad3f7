#include "store/journal_read.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "job/job_json.h"

namespace rungs::store {
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

Result<int> UserVersion(const Database& db) {
  Result<Statement> stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  return int(stmt->Int(0));
}

}  // namespace

Status CheckJournalFormat(const Database& db) {
  const std::string& path = db.path();
  Result<int> version = UserVersion(db);
  if (!version.ok()) return Fail(path + ": not a rungs journal: " + version.message());
  if (*version == 0) return Fail(path + ": not a rungs journal (no format version)");
  if (*version > kJournalFormat) {
    return Fail(path + ": journal format " + std::to_string(*version) +
                " is newer than this rungs understands (" + std::to_string(kJournalFormat) + ")");
  }
  return Status::Ok();
}

Result<ExperimentRecord> ReadExperimentRecord(const Database& db) {
  const std::string& path = db.path();
  Result<Statement> select = db.Prepare(
      "SELECT id, name, created, space_toml, scheduler, options_json, seed, format "
      "FROM experiment");
  if (!select.ok()) return select.error();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Fail(path + ": table experiment is empty");
  ExperimentRecord e;
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
  return e;
}

Status ReadEntriesAfter(const Database& db, uint64_t after_seq,
                        const std::function<Status(const JournalEntry&)>& visit) {
  const std::string& file = db.path();
  auto origin = [&](std::string_view table, const JournalEntry& e) {
    return file + ": " + std::string(table) + " seq " + std::to_string(e.seq);
  };
  std::vector<Cursor> cursors;
  auto add = [&](std::string_view sql, Cursor::Decode decode) -> Status {
    Result<Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, int64_t(after_seq));
    cursors.emplace_back(std::move(*stmt), std::move(decode));
    return cursors.back().Advance();
  };
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now, job FROM jobs WHERE seq > ?1 ORDER BY seq",
                            [&](const Statement& s, JournalEntry& e) {
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
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now, result FROM results WHERE seq > ?1 ORDER BY seq",
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
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now FROM refusals WHERE seq > ?1 ORDER BY seq",
                            [](const Statement& s, JournalEntry& e) {
                              e.kind = JournalEntry::Kind::kRefusal;
                              e.now = s.Double(1);
                              return Status::Ok();
                            }));
  RUNGS_RETURN_IF_ERROR(add("SELECT seq, now, kind, detail FROM events WHERE seq > ?1 ORDER BY seq",
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
