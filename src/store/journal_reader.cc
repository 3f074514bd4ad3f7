#include "store/journal_reader.h"

#include "store/journal_read.h"

namespace rungs::store {

Result<JournalReader> JournalReader::Open(const std::string& path) {
  Result<Database> db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db.ok()) return db.error();
  RUNGS_RETURN_IF_ERROR(CheckJournalFormat(*db));
  Result<ExperimentRecord> record = ReadExperimentRecord(*db);
  if (!record.ok()) return record.error();
  Result<Statement> version = db->Prepare("PRAGMA data_version");
  if (!version.ok()) return version.error();
  JournalReader reader(std::move(*db), std::move(*version));
  reader.experiment_ = std::move(*record);
  return reader;
}

Result<bool> JournalReader::Changed() {
  Result<bool> row = data_version_.Step();
  int64_t version = row.ok() && *row ? data_version_.Int(0) : -1;
  data_version_.Reset();
  if (!row.ok()) return row.error();
  bool changed = version != last_version_;
  last_version_ = version;
  return changed;
}

Status JournalReader::ReadAfter(uint64_t after_seq,
                                const std::function<Status(const JournalEntry&)>& visit) const {
  return ReadEntriesAfter(db_, after_seq, visit);
}

}  // namespace rungs::store
