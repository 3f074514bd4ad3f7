#include "tune/warning.h"

#include <cstdio>

#include "base/redact.h"

namespace rungs::tune {

void Warn(const std::string& message) {
  std::fprintf(stderr, "rungs tune: warning: %s\n", RedactSecrets(message).c_str());
}

std::string SecondsText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

}  // namespace rungs::tune
