// The request inbox of a journal (doc/journal.md, "Requests"): how someone
// other than the driver (the dashboard) asks a running experiment to do
// something. A request is a row in the journal's `requests` table; the
// driver takes pending ones in id order each round, journals what it did as
// an event in seq order, and marks the request taken, so a request survives
// a crash (a resumed run takes it) and what came of it is in the journal.
// PostRequest writes nothing but that row. Thread-safe (each call opens its
// own connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::store {

enum class RequestKind {
  kEvolve,  // "evolve": switch evolution on now (what SIGUSR1 does)
  kStop,    // "stop": start no new job; running ones finish (what Ctrl-C does)
  kExtend,  // "extend": raise the budget; detail what to add to which limit,
            // {"epochs": N, "seconds": S, ...} (driver::ParseExtension)
};
inline constexpr RequestKind kRequestKinds[] = {RequestKind::kEvolve, RequestKind::kStop,
                                                RequestKind::kExtend};

std::string_view RequestKindName(RequestKind kind);
// The kind RequestKindName gives `name`; fails naming it otherwise.
Result<RequestKind> ParseRequestKind(std::string_view name);

// Adds a request to the inbox of the journal at `journal_path` and returns
// its id. `detail` is a JSON object ("{}" when the kind needs nothing).
// Fails naming the file when it is not a journal or has no inbox (a journal
// written before the inbox that no driver has opened since).
Result<int64_t> PostRequest(const std::string& journal_path, RequestKind kind,
                            std::string_view detail);

// What came of request `id` in the journal at `journal_path`: none while it
// is pending, else "ok" or why the driver did nothing. Fails naming the file
// when it cannot be read or holds no such request.
Result<std::optional<std::string>> RequestOutcome(const std::string& journal_path, int64_t id);

}  // namespace rungs::store
