#include "store/sqlite.h"

namespace rungs::store {

Result<Database> Database::Open(const std::string& path, Mode mode) {
  sqlite3* raw = nullptr;
  int flags = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
              : mode == Mode::kCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                      : SQLITE_OPEN_READWRITE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(path, raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) {
    return Fail(path + ": cannot open: " +
                (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // Another process holding a write lock (a reader mid-checkpoint) is
  // waited for briefly instead of failing at once.
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Status Database::Execute(std::string_view sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Fail(path_ + ": " + text + " (in: " + std::string(sql.substr(0, 60)) + ")");
}

Result<Statement> Database::Prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), int(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Failure("cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(stmt);
}

Error FailureOf(sqlite3* db, std::string_view what) {
  const char* file = sqlite3_db_filename(db, "main");
  return Fail(std::string(file != nullptr ? file : "database") + ": " + std::string(what) +
              ": " + sqlite3_errmsg(db));
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return FailureOf(sqlite3_db_handle(stmt_.get()), "step failed");
}

Status Statement::Run() {
  Result<bool> row = Step();
  Reset();
  return row.status();
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  int size = sqlite3_column_bytes(stmt_.get(), column);
  return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : "";
}

}  // namespace rungs::store
