// SHA-256 digests as lowercase hex, computed by OpenSSL's EVP interface.
// Stateless and thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::fetch {

// The digest of `bytes`: 64 lowercase hex digits.
std::string Sha256OfBytes(std::string_view bytes);

// The digest of the file's contents, read in blocks. Fails, naming the file,
// when it cannot be opened or read.
Result<std::string> Sha256OfFile(const std::filesystem::path& path);

// True for exactly 64 hex digits (either case).
bool IsSha256Hex(std::string_view text);

}  // namespace rungs::fetch
