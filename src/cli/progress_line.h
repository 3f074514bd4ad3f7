// The training progress line, as fastText prints it on stderr:
//   Progress:  42.0% words/sec/thread:  283806 lr:  0.058000 avg.loss:  1.367188 ETA:   0h 0m 3s
// Fed from the trainer's one progress callback (a few times a second). On a
// terminal it rewrites one line in place; into a file or pipe it prints one
// line per update, and only when asked. Not thread-safe: use it from the
// thread that calls Train, which is where the trainer reports progress.
#pragma once

#include <chrono>
#include <cstdio>

#include "text/trainer.h"

namespace rungs::cli {

class ProgressLine {
 public:
  enum class Mode { kOff, kTerminal, kLog };

  // Off with -verbose 0 (unless --progress) and, when stderr is not a
  // terminal, unless --progress or an explicit -verbose of 2 or more asks;
  // on a terminal, shown from -verbose 2 (fastText's default).
  static Mode Choose(int verbose, bool verbose_given, bool progress_flag, bool is_terminal);

  ProgressLine(Mode mode, std::FILE* out, int threads, double total_epochs);

  bool enabled() const { return mode_ != Mode::kOff; }
  // How often the trainer should call Update: often on a terminal, less in logs.
  std::chrono::milliseconds interval() const;
  void Update(const text::TrainProgress& progress);
  // Ends the line on a terminal once training is over.
  void Finish();

 private:
  Mode mode_;
  std::FILE* out_;
  int threads_;
  double total_epochs_;
  bool printed_ = false;
};

}  // namespace rungs::cli
