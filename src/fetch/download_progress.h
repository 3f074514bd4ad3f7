// The progress line of a download on stderr:
//   rungs: 20news-bydate.tar.gz  6.2 MB / 14.5 MB  43%  2.1 MB/s
// Fed from the transfer's one progress callback; prints at most a few times
// a second. On a terminal it rewrites one line in place; elsewhere, when
// forced on, it prints one line per update (about once a second). Not
// thread-safe: one download, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace rungs::fetch {

// kAuto shows progress only when the output is a terminal.
enum class ProgressMode { kAuto, kAlways, kNever };

// One progress line (no line ending): label, bytes so far, the total and
// percentage when `total` is known (> 0), and the mean rate over `seconds`.
std::string FormatProgress(std::string_view label, int64_t done, int64_t total, double seconds);

class DownloadProgress {
 public:
  // `label` names what is downloaded, usually the file name.
  DownloadProgress(ProgressMode mode, std::FILE* out, std::string label);

  bool enabled() const { return style_ != Style::kOff; }
  // Reports `done` of `total` bytes (total 0: unknown); prints only when the
  // last print is old enough.
  void Update(int64_t done, int64_t total);
  // Prints the final state once and ends the line; no-op when disabled or
  // when nothing was ever received.
  void Finish();

 private:
  enum class Style { kOff, kTerminal, kLog };
  void Print();

  Style style_;
  std::FILE* out_;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  int64_t done_ = 0;
  int64_t total_ = 0;
};

}  // namespace rungs::fetch
