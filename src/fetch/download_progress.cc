#include "fetch/download_progress.h"

#include <unistd.h>


namespace rungs::fetch {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTerminalInterval = std::chrono::milliseconds(250);
constexpr auto kLogInterval = std::chrono::seconds(1);

std::string HumanBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return text;
}

}  // namespace

std::string FormatProgress(std::string_view label, int64_t done, int64_t total, double seconds) {
  std::string line = "rungs: " + std::string(label) + "  " + HumanBytes(static_cast<double>(done));
  if (total > 0) {
    char percent[16];
    std::snprintf(percent, sizeof(percent), "%3d%%", static_cast<int>(100 * done / total));
    line += " / " + HumanBytes(static_cast<double>(total)) + "  " + percent;
  }
  if (seconds > 0) line += "  " + HumanBytes(static_cast<double>(done) / seconds) + "/s";
  return line;
}

DownloadProgress::DownloadProgress(ProgressMode mode, std::FILE* out, std::string label)
    : out_(out), label_(std::move(label)), start_(Clock::now()), last_print_(start_) {
  bool terminal = out != nullptr && isatty(fileno(out));
  if (out == nullptr || mode == ProgressMode::kNever || (mode == ProgressMode::kAuto && !terminal)) {
    style_ = Style::kOff;
  } else {
    style_ = terminal ? Style::kTerminal : Style::kLog;
  }
}

void DownloadProgress::Update(int64_t done, int64_t total) {
  done_ = done;
  total_ = total;
  if (style_ == Style::kOff) return;
  auto now = Clock::now();
  auto interval = style_ == Style::kTerminal ? Clock::duration(kTerminalInterval)
                                             : Clock::duration(kLogInterval);
  if (now - last_print_ < interval) return;
  last_print_ = now;
  Print();
}

void DownloadProgress::Finish() {
  if (style_ == Style::kOff || done_ == 0) return;
  Print();
  if (style_ == Style::kTerminal) std::fputc('\n', out_);
  std::fflush(out_);
}

void DownloadProgress::Print() {
  double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  std::string line = FormatProgress(label_, done_, total_, seconds);
  if (style_ == Style::kTerminal) {
    // Carriage return and erase-to-end keep a shorter line from leaving debris.
    std::fprintf(out_, "\r%s\x1b[K", line.c_str());
  } else {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
}

}  // namespace rungs::fetch
