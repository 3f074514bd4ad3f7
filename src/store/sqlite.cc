#include "store/sqlite.h"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <system_error>

namespace rungs::store {
namespace {

// Why writing the database at `path` failed, when what ran out was room:
// its file system is (almost) full, or it or its write-ahead log reached
// the file size limit (RLIMIT_FSIZE). SQLite passes on neither ENOSPC nor
// EFBIG reliably (a write past the limit is "disk I/O error"), so the
// facts are looked at; empty when neither holds.
std::string RoomThatRanOut(const std::string& path) {
  namespace fs = std::filesystem;
  constexpr uint64_t kSlack = uint64_t{1} << 20;  // more than a few pages
  struct statvfs disk {};
  const std::string folder = fs::path(path).parent_path().string();
  if (::statvfs(folder.empty() ? "." : folder.c_str(), &disk) == 0 &&
      uint64_t{disk.f_bavail} * disk.f_frsize < kSlack) {
    return "the disk is full (" + std::to_string(uint64_t{disk.f_bavail} * disk.f_frsize) +
           " bytes free on its file system)";
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return "";
  for (const std::string& file : {path, path + "-wal"}) {
    std::error_code error;
    const uint64_t size = fs::file_size(file, error);
    if (!error && size + kSlack >= limit.rlim_cur) {
      return "the file size limit of " + std::to_string(limit.rlim_cur) + " bytes (ulimit -f) is reached";
    }
  }
  return "";
}

// SQLite's message for the last failure on `db` (or `text`), with what ran
// out when a write failed for want of room: SQLite commits whole
// transactions or none, so what was committed before is intact.
std::string Why(sqlite3* db, const std::string& path, const std::string& text) {
  const int code = sqlite3_extended_errcode(db) & 0xff;
  if (code != SQLITE_FULL && code != SQLITE_IOERR) return text;
  std::string room = RoomThatRanOut(path);
  if (room.empty() && code == SQLITE_FULL) room = "the disk is full";
  if (room.empty()) return text;
  return room + " (SQLite: " + text + "); what was committed before is intact";
}

}  // namespace

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
  std::string text = Why(db_.get(), path_, message != nullptr ? message : sqlite3_errstr(rc));
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
  const std::string path = file != nullptr ? file : "database";
  return Fail(path + ": " + std::string(what) + ": " + Why(db, path, sqlite3_errmsg(db)));
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
