// JournalReader: reads a journal without ever writing it, beside a driver
// that may be writing it (WAL gives each read a consistent snapshot of what
// was committed). For the dashboard, which tails a running experiment by
// seq. Not thread-safe: one thread uses a reader.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "store/journal.h"
#include "store/sqlite.h"

namespace rungs::store {

class JournalReader {
 public:
  // Opens the journal at `path` read-only; fails naming the file when it is
  // missing, not a journal, or of a newer format.
  static Result<JournalReader> Open(const std::string& path);

  const ExperimentRecord& experiment() const { return experiment_; }
  const std::string& path() const { return db_.path(); }

  // True when some connection committed since the previous call (the first
  // call says true). Costs no table read (PRAGMA data_version).
  Result<bool> Changed();
  // Calls `visit` for every committed entry above `after_seq`, in seq order.
  Status ReadAfter(uint64_t after_seq, const std::function<Status(const JournalEntry&)>& visit) const;

 private:
  JournalReader(Database db, Statement data_version)
      : db_(std::move(db)), data_version_(std::move(data_version)) {}

  Database db_;
  Statement data_version_;
  ExperimentRecord experiment_;
  int64_t last_version_ = -1;
};

}  // namespace rungs::store
