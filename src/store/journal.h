// Journal: the durable record of one experiment in a SQLite file.
//
// It holds the experiment (space, scheduler name and options, seed) and, in
// call order, every scheduler call the driver made: jobs started, results
// reported, Next calls that gave nothing ("refusals"), and events such as
// evolution switched on by hand. Each call has a sequence number `seq`
// shared by all four kinds, so replaying the entries in seq order repeats
// the exact call sequence into a fresh scheduler (driver/replay.h). The
// format and its durability are documented in doc/journal.md.
//
// Writes go into an open transaction and become durable at Commit(): the
// driver commits a job before submitting it and a result before reporting
// it. With WAL and synchronous=NORMAL a committed transaction survives the
// process being killed (kill -9); an OS crash or power loss may lose the
// last transactions but never corrupts the file.
// Not thread-safe: one driver thread owns a Journal.
#pragma once

#include <cstdint>
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "job/job.h"
#include "store/sqlite.h"

namespace rungs::store {

inline constexpr int kJournalFormat = 1;

struct ExperimentRecord {
  std::string id;            // unique, e.g. "sim-20261128T051300Z-42"
  std::string name;          // for people
  std::string created;       // ISO 8601 UTC; filled by Create when empty
  std::string space_toml;    // the search space, as Space::FromToml reads it
  std::string scheduler;     // the sched factory's name ("asha-evo", ...)
  std::string options_json;  // the scheduler options as JSON
  uint64_t seed = 0;
  int format = kJournalFormat;
};

enum class EventKind {
  kEvolutionEnabled,  // Scheduler::EnableEvolution(now) was called; replayed
  kResumed,           // a driver reopened the journal: CheckpointsLost(); replayed
  kFinished,          // the experiment ended; detail says why; informational
  kStopRequested,     // stop starting jobs was asked for by hand; informational
  kBudgetChanged,     // the budget changed (a resume's flags, an extend request):
                      // detail holds the new limits (driver/run_budget.h); replayed
};
inline constexpr std::array<EventKind, 5> kEventKinds = {
    EventKind::kEvolutionEnabled, EventKind::kResumed, EventKind::kFinished,
    EventKind::kStopRequested, EventKind::kBudgetChanged};
std::string_view EventName(EventKind kind);

// One recorded scheduler call. Which fields mean something depends on kind.
struct JournalEntry {
  enum class Kind { kJob, kResult, kRefusal, kEvent };
  Kind kind = Kind::kJob;
  uint64_t seq = 0;
  double now = 0;           // the `now` the scheduler was given
  job::Job job;           // kJob
  job::JobResult result;  // kResult
  EventKind event = EventKind::kFinished;  // kEvent
  std::string detail;                      // kEvent: free text
};

// A request in the journal's inbox (doc/journal.md, "Requests"): added by
// anyone (store/request_inbox.h), taken by the driver in id order.
struct Request {
  int64_t id = 0;
  std::string kind;    // as store/request_inbox.h names them
  std::string detail;  // JSON object
};

// Counts of what a journal holds, for resuming and reports.
struct JournalSummary {
  uint64_t jobs = 0;
  uint64_t results = 0;
  uint64_t next_seq = 1;  // one past the largest seq recorded
  double last_now = 0;    // the largest `now` recorded (0 when empty)
};

class Journal {
 public:
  // Creates a new journal at `path` for `experiment`, atomically: it is
  // built at PATH.creating and linked into place once complete, so a kill
  // leaves a whole journal or none. Fails if `path` exists (resume with
  // Open instead).
  static Result<Journal> Create(const std::string& path, ExperimentRecord experiment);
  // Opens an existing journal; fails naming the file when it is not one or
  // its format is newer than this build understands.
  static Result<Journal> Open(const std::string& path);

  const ExperimentRecord& experiment() const { return experiment_; }
  const std::string& path() const { return db_.path(); }

  // Appends to the open transaction (started on demand). Nothing is
  // durable until Commit().
  Status AddJob(uint64_t seq, const job::Job& job, double now);
  // Returns false, writing nothing, when `result.job` already has a result
  // (a duplicate delivery), and an error for a job never started.
  Result<bool> AddResult(uint64_t seq, const job::JobResult& result, double now);
  Status AddRefusal(uint64_t seq, double now);
  Status AddEvent(uint64_t seq, EventKind kind, std::string_view detail, double now);
  // Makes everything added since the last Commit durable, atomically.
  Status Commit();

  // The inbox's requests not yet taken, oldest first.
  Result<std::vector<Request>> PendingRequests();
  // Marks request `id` taken, in the open transaction: `seq` is the event
  // that acted on it (0: none, it was refused) and `outcome` says "ok" or
  // why not.
  Status TakeRequest(int64_t id, uint64_t seq, std::string_view outcome);

  Result<JournalSummary> Summary() const;
  // OK when SQLite finds the file intact (PRAGMA quick_check: every page,
  // row and index readable and consistent); otherwise an error naming the
  // file and the first problems found. Reads the whole file once.
  Status CheckIntact() const;
  // Calls `visit` for every committed entry in seq order; stops at the first
  // error `visit` returns and returns it. Rows that fail to decode are
  // reported naming the table, seq and field.
  Status Replay(const std::function<Status(const JournalEntry&)>& visit) const;

 private:
  explicit Journal(Database db) : db_(std::move(db)) {}
  Status PrepareWriters();
  Status Begin();

  Database db_;
  ExperimentRecord experiment_;
  bool in_transaction_ = false;
  // Reused prepared inserts (prepared once; the hot path binds and steps).
  std::optional<Statement> insert_job_, insert_result_, insert_refusal_, insert_event_,
      find_job_, pending_requests_, take_request_;
};

}  // namespace rungs::store
