// What the emulator prints on stderr, nothing of it with --quiet: notices
// about what it does, and the log lines of its instances and invocations.
#pragma once

#include <string>

namespace rungs::emulate {

// "rungs lambda emulate: TEXT" and a newline.
void Notice(bool quiet, const std::string& text);

// Each line of `lines` (newline-terminated, or not at the end) prefixed with
// "[FUNCTION INSTANCE] "; with `instance` < 0 the lines as they are.
void LogLines(bool quiet, const std::string& function_name, int instance,
              const std::string& lines);

}  // namespace rungs::emulate
