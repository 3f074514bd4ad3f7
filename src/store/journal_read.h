// Reading a journal's tables: what the driver's Journal and anyone else's
// JournalReader share, so both decode rows the same way and name a bad row
// by file, table, seq and field (doc/journal.md). Functions of one call each;
// not thread-safe (one thread uses a Database).
#pragma once

#include <cstdint>
#include <functional>

#include "base/status.h"
#include "store/journal.h"
#include "store/sqlite.h"

namespace rungs::store {

// Ok when `db` holds a journal this build understands; otherwise an error
// naming the file: not a journal, or a newer format.
Status CheckJournalFormat(const Database& db);

// The experiment row.
Result<ExperimentRecord> ReadExperimentRecord(const Database& db);

// Calls `visit` for every committed entry whose seq is above `after_seq`, in
// seq order; stops at the first error `visit` returns and returns it.
Status ReadEntriesAfter(const Database& db, uint64_t after_seq,
                        const std::function<Status(const JournalEntry&)>& visit);

}  // namespace rungs::store
