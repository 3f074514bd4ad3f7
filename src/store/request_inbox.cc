#include "store/request_inbox.h"

#include "store/journal_read.h"
#include "store/sqlite.h"

namespace rungs::store {

std::string_view RequestKindName(RequestKind kind) {
  switch (kind) {
    case RequestKind::kEvolve: return "evolve";
    case RequestKind::kStop: return "stop";
    case RequestKind::kExtend: return "extend";
  }
  return "unknown";
}

Result<RequestKind> ParseRequestKind(std::string_view name) {
  for (RequestKind kind : kRequestKinds) {
    if (RequestKindName(kind) == name) return kind;
  }
  return Fail("unknown request '" + std::string(name) + "' (evolve, stop or extend)");
}

Result<int64_t> PostRequest(const std::string& journal_path, RequestKind kind,
                            std::string_view detail) {
  Result<Database> db = Database::Open(journal_path, Database::Mode::kReadWrite);
  if (!db.ok()) return db.error();
  RUNGS_RETURN_IF_ERROR(CheckJournalFormat(*db));
  Result<Statement> insert = db->Prepare(
      "INSERT INTO requests (kind, detail, made) "
      "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  if (!insert.ok()) {
    return Fail(journal_path + ": takes no requests (no inbox: the run that wrote it is older "
                               "than the inbox)");
  }
  insert->Bind(1, RequestKindName(kind));
  insert->Bind(2, detail);
  RUNGS_RETURN_IF_ERROR(insert->Run());
  return int64_t(sqlite3_last_insert_rowid(db->handle()));
}

Result<std::optional<std::string>> RequestOutcome(const std::string& journal_path, int64_t id) {
  Result<Database> db = Database::Open(journal_path, Database::Mode::kReadOnly);
  if (!db.ok()) return db.error();
  Result<Statement> select = db->Prepare("SELECT outcome IS NULL, outcome FROM requests WHERE id = ?1");
  if (!select.ok()) return Fail(journal_path + ": takes no requests (no inbox)");
  select->Bind(1, id);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Fail(journal_path + ": no request " + std::to_string(id));
  if (select->Int(0) != 0) return std::optional<std::string>();  // pending
  return std::optional(select->Text(1));
}

}  // namespace rungs::store
