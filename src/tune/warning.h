// Warn: tells the user something surprising about a run that still goes on
// (data with one label, labels the model never saw), on stderr as
// "rungs tune: warning: ...", whatever the progress mode: stdout stays the
// progress and the summary. Secrets in quoted URLs are not shown.
// Thread-safe (one fprintf per warning).
#pragma once

#include <string>

namespace rungs::tune {

void Warn(const std::string& message);
// Seconds for a warning: one decimal and the unit ("12.3 s").
std::string SecondsText(double seconds);

}  // namespace rungs::tune
