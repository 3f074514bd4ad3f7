#include "tune/warning.h"

#include <cstdio>

#include "base/redact.h"

namespace rungs::tune {

void Warn(const std::string& message) {
  std::fprintf(stderr, "rungs tune: warning: %s\n", RedactSecrets(message).c_str());
}

}  // namespace rungs::tune
