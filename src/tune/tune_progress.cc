#include "tune/tune_progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace rungs::tune {
namespace {

std::string Format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

std::string Duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  int s = static_cast<int>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

// "$0.0123 (740.2 GB-s)"
std::string Cost(const RungCounts& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "$%.4f (%.1f GB-s)", c.dollars, c.gb_seconds);
  return buf;
}

}  // namespace

TuneProgress::TuneProgress(ProgressMode mode, const space::Space& space, std::string metric,
                           FILE* out)
    : mode_(mode),
      terminal_(isatty(fileno(out)) != 0),
      space_(space),
      metric_(std::move(metric)),
      out_(out) {}

double TuneProgress::Spent(const driver::Progress& p, const RungCounts& c) {
  const driver::RunBudget& b = p.budget;
  double spent = 0;
  if (b.epochs > 0) spent = std::max(spent, static_cast<double>(c.epochs_trained) / b.epochs);
  if (b.seconds > 0) spent = std::max(spent, p.now / b.seconds);
  if (b.trials > 0) spent = std::max(spent, static_cast<double>(p.trials) / b.trials);
  if (b.dollars > 0) spent = std::max(spent, c.dollars / b.dollars);
  return std::clamp(spent, 0.0, 1.0);
}

std::string TuneProgress::StatusLines(const driver::Progress& p, const RungCounts& c) const {
  double spent = Spent(p, c);
  double eta = spent > 0 ? p.now * (1 - spent) / spent : NAN;
  std::string line = "budget " + Format("%3.0f%%", 100 * spent) + "  elapsed " + Duration(p.now) +
                     "  ETA " + Duration(eta) + "  epochs " + std::to_string(c.epochs_trained) +
                     "  trials " + std::to_string(p.trials) + "  running " +
                     std::to_string(p.running);
  if (c.gb_seconds > 0) line += "  cost " + Cost(c);
  line += "\n";
  line += "rungs (epochs: finished/running)";
  for (const auto& [epochs, n] : c.finished) {
    auto r = c.running.find(epochs);
    line += "  " + std::to_string(epochs) + "ep: " + std::to_string(n) + "/" +
            std::to_string(r == c.running.end() ? 0 : r->second);
  }
  for (const auto& [epochs, n] : c.running) {
    if (!c.finished.count(epochs)) line += "  " + std::to_string(epochs) + "ep: 0/" + std::to_string(n);
  }
  line += "\n";
  if (p.best) {
    line += "best " + metric_ + " " + Format("%.4f", p.best->metric) + " (trial " +
            std::to_string(p.best->trial) + ", " + std::to_string(p.best->epochs) + " epochs) " +
            space_.ToJson(p.best->config).dump() + "\n";
  } else {
    line += "best: none yet\n";
  }
  return line;
}

void TuneProgress::Json(const driver::Progress& p, const RungCounts& c) {
  nlohmann::json j = {{"event", "progress"},
                      {"seconds", p.now},
                      {"spent", Spent(p, c)},
                      {"epochs", c.epochs_trained},
                      {"trials", p.trials},
                      {"jobs", p.jobs},
                      {"results", p.results},
                      {"running", p.running},
                      {"gb_seconds", c.gb_seconds},
                      {"dollars", c.dollars}};
  if (p.best) {
    j["best"] = {{"trial", p.best->trial},
                 {"epochs", p.best->epochs},
                 {metric_, p.best->metric},
                 {"config", space_.ToJson(p.best->config)}};
  }
  std::fprintf(out_, "%s\n", j.dump().c_str());
  std::fflush(out_);
}

void TuneProgress::Update(const driver::Progress& p, const RungCounts& c) {
  switch (mode_) {
    case ProgressMode::kQuiet: return;
    case ProgressMode::kJson:
      if (p.now - last_log_ >= 1.0) {
        last_log_ = p.now;
        Json(p, c);
      }
      return;
    case ProgressMode::kAuto: break;
  }
  std::string text = StatusLines(p, c);
  if (terminal_) {
    // Move up over the lines drawn last time, then redraw each, clearing it.
    std::string frame;
    for (int i = 0; i < lines_drawn_; ++i) frame += "\x1b[1A";
    lines_drawn_ = 0;
    size_t start = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
      frame += "\r\x1b[2K" + text.substr(start, nl - start) + "\n";
      start = nl + 1;
      ++lines_drawn_;
    }
    std::fputs(frame.c_str(), out_);
    std::fflush(out_);
    return;
  }
  std::optional<double> best = p.best ? std::optional<double>(p.best->metric) : std::nullopt;
  if (best != last_best_ || p.now - last_log_ >= 10) {
    last_log_ = p.now;
    last_best_ = best;
    std::fputs(text.c_str(), out_);
    std::fflush(out_);
  }
}

void TuneProgress::Finish() { lines_drawn_ = 0; }

}  // namespace rungs::tune
