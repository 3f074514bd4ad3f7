// A thin RAII layer over the SQLite C API: a connection and prepared
// statements whose failures come back as Status naming the database file
// and SQLite's own message. Not thread-safe: one thread uses a Database and
// its statements.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "base/status.h"

namespace rungs::store {

class Statement;

// "<database file>: <what>: <SQLite's message>" for a failed call on `db`;
// when a write failed for want of room (a full disk, the file size limit),
// the message says which, and that what was committed before is intact.
Error FailureOf(sqlite3* db, std::string_view what);

class Database {
 public:
  enum class Mode { kReadOnly, kReadWrite, kCreate };
  // Opens the database file at `path`: read-only, read-write, or read-write
  // creating it when missing.
  static Result<Database> Open(const std::string& path, Mode mode);

  // Runs one or more statements that return no rows.
  Status Execute(std::string_view sql);
  // Const: preparing changes no data (the statement may, when stepped).
  Result<Statement> Prepare(std::string_view sql) const;

  // The error for a failed SQLite call: "<path>: <what>: <sqlite message>".
  Error Failure(std::string_view what) const { return FailureOf(db_.get(), what); }
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// A prepared statement. Bind parameters (1-based), then Step; Reset before
// binding again. Column getters read the current row (0-based).
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_.get(), index, value); }
  void Bind(int index, double value) { sqlite3_bind_double(stmt_.get(), index, value); }
  void Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_.get(), index, text.data(), int(text.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int index) { sqlite3_bind_null(stmt_.get(), index); }

  // True when a row is ready, false when the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows; then resets it for reuse.
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }
  // Rows the last Run changed (0 for an INSERT OR IGNORE that was ignored).
  int changes() const { return sqlite3_changes(sqlite3_db_handle(stmt_.get())); }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  double Double(int column) const { return sqlite3_column_double(stmt_.get(), column); }
  std::string Text(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace rungs::store
