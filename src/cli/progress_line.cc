#include "cli/progress_line.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>

namespace rungs::cli {

ProgressLine::Mode ProgressLine::Choose(int verbose, bool verbose_given, bool progress_flag,
                                        bool is_terminal) {
  bool asked = progress_flag || (verbose_given && verbose >= 2);
  if (!asked && (verbose < 2 || !is_terminal)) return Mode::kOff;
  return is_terminal ? Mode::kTerminal : Mode::kLog;
}

ProgressLine::ProgressLine(Mode mode, std::FILE* out, int threads, double total_epochs)
    : mode_(mode), out_(out), threads_(std::max(threads, 1)), total_epochs_(total_epochs) {}

std::chrono::milliseconds ProgressLine::interval() const {
  return std::chrono::milliseconds(mode_ == Mode::kLog ? 1000 : 200);
}

void ProgressLine::Update(const text::TrainProgress& progress) {
  if (mode_ == Mode::kOff) return;
  double fraction = total_epochs_ > 0 ? std::clamp(progress.epoch / total_epochs_, 0.0, 1.0) : 1.0;
  double per_thread = progress.seconds > 0
                          ? static_cast<double>(progress.tokens_done) / progress.seconds / threads_
                          : 0.0;
  int64_t eta = fraction > 0 ? std::llround(progress.seconds * (1 - fraction) / fraction) : 0;
  std::fprintf(out_,
               "%sProgress: %5.1f%% words/sec/thread: %7" PRId64
               " lr: %9.6f avg.loss: %9.6f ETA: %3" PRId64 "h%2dm%2ds%s",
               mode_ == Mode::kTerminal ? "\r" : "", 100 * fraction,
               static_cast<int64_t>(per_thread), progress.lr, progress.loss, eta / 3600,
               static_cast<int>(eta / 60 % 60), static_cast<int>(eta % 60),
               mode_ == Mode::kLog ? "\n" : "");
  std::fflush(out_);
  printed_ = true;
}

void ProgressLine::Finish() {
  if (mode_ == Mode::kTerminal && printed_) std::fputc('\n', out_);
  printed_ = false;
}

}  // namespace rungs::cli
