// RFC 4180 quoting for the CSV files this part writes. Stateless.
#pragma once

#include <string>
#include <string_view>

namespace rungs::fetch {

// `field` wrapped in double quotes with each inner quote doubled; all other
// bytes (newlines, commas, non-UTF-8) are kept as they are.
std::string QuoteCsvField(std::string_view field);

}  // namespace rungs::fetch
