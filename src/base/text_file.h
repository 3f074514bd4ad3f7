// ReadTextFile: a whole (small) file as a string, for spaces and settings.
// Safe from any thread.
#pragma once

#include <string>

#include "base/status.h"

namespace rungs {

// The file's bytes; fails with "cannot read <path>: <why>" when it cannot
// be opened or read.
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace rungs
