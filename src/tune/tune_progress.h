// TuneProgress: what a running search shows. On a terminal, a few lines
// redrawn in place (budget spent, ETA, trials running and finished per rung,
// what the jobs cost on Lambda, best so far and its configuration); elsewhere a plain log line when the
// best changes and every 10 s; with --json one JSON object per line; with
// --quiet nothing. Update() is called from one place (the experiment loop's
// progress callback), a few times a second. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "driver/experiment_loop.h"
#include "space/space.h"

namespace rungs::tune {

enum class ProgressMode { kAuto, kQuiet, kJson };

// Counts the experiment loop does not keep: per rung (by epochs), and the
// epochs actually trained.
struct RungCounts {
  std::map<int, int> running;   // epochs_to -> jobs running
  std::map<int, int> finished;  // epochs_to -> jobs finished
  int64_t epochs_trained = 0;
  // What finished jobs were billed (Lambda; 0 on local workers).
  double gb_seconds = 0;
  double dollars = 0;
};

class TuneProgress {
 public:
  TuneProgress(ProgressMode mode, const space::Space& space, std::string metric,
               FILE* out = stderr);

  void Update(const driver::Progress& progress, const RungCounts& counts);
  // Leaves the last state on screen and ends the live lines.
  void Finish();

  // The fraction of the budget (p.budget) spent, by whichever limit is
  // nearest, in [0, 1].
  static double Spent(const driver::Progress& p, const RungCounts& c);

 private:
  std::string StatusLines(const driver::Progress& p, const RungCounts& c) const;
  void Json(const driver::Progress& p, const RungCounts& c);

  const ProgressMode mode_;
  const bool terminal_;
  const space::Space& space_;
  const std::string metric_;
  FILE* const out_;
  int lines_drawn_ = 0;
  double last_log_ = -1e9;
  std::optional<double> last_best_;
};

}  // namespace rungs::tune
