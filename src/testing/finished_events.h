// Test helper: the details of a journal's `finished` events, in order
// (doc/journal.md), read through the journal's own reader.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/journal.h"

namespace rungs::testing {

inline std::vector<std::string> FinishedDetails(const std::string& journal_path) {
  std::vector<std::string> details;
  auto journal = store::Journal::Open(journal_path);
  EXPECT_TRUE(journal.ok()) << journal.message();
  if (!journal.ok()) return details;
  Status read = journal->Replay([&](const store::JournalEntry& e) {
    if (e.kind == store::JournalEntry::Kind::kEvent && e.event == store::EventKind::kFinished) {
      details.push_back(e.detail);
    }
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  return details;
}

}  // namespace rungs::testing
