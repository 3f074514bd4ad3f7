// Byte sizes as people write them on a command line ("2G", "512M", "1.5G",
// "800k", "4096"): a number, optionally with a power-of-1024 suffix (k, M,
// G, T, either case, optionally followed by "B" or "iB"). Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace rungs {

// The size `text` gives, in bytes (> 0). Fails naming `flag` and the text
// for anything else: "--memory must be a size such as 2G or 512M, got '2X'".
Result<int64_t> ParseByteSize(const std::string& text, const std::string& flag);

// `bytes` for people: "512 B", "3.2 MB", "1.50 GB" (powers of 1024).
std::string ByteSizeText(int64_t bytes);

}  // namespace rungs
