// Base64 (RFC 4648, with padding), as Lambda uses for X-Amz-Log-Result.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rungs {

std::string Base64Encode(std::string_view bytes);

// Nothing when `text` is not padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace rungs
