#include "emulate/console.h"

#include <cstdio>

namespace rungs::emulate {

void Notice(bool quiet, const std::string& text) {
  if (!quiet) std::fprintf(stderr, "rungs lambda emulate: %s\n", text.c_str());
}

void LogLines(bool quiet, const std::string& function_name, int instance,
              const std::string& lines) {
  if (quiet || lines.empty()) return;
  if (instance < 0) {
    std::fprintf(stderr, "%s", lines.c_str());
    return;
  }
  const std::string prefix = "[" + function_name + " " + std::to_string(instance) + "] ";
  std::string prefixed;
  size_t start = 0;
  while (start < lines.size()) {
    size_t end = lines.find('\n', start);
    if (end == std::string::npos) end = lines.size();
    prefixed += prefix + lines.substr(start, end - start) + "\n";
    start = end + 1;
  }
  std::fprintf(stderr, "%s", prefixed.c_str());
}

}  // namespace rungs::emulate
