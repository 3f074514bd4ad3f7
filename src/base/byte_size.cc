#include "base/byte_size.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace rungs {

Result<int64_t> ParseByteSize(const std::string& text, const std::string& flag) {
  auto bad = [&] {
    return Fail(flag + " must be a size such as 2G, 512M or 800k (powers of 1024), got '" + text +
                "'");
  };
  double number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || !(number > 0) || !std::isfinite(number)) return bad();
  std::string unit(end, text.data() + text.size());
  for (char& c : unit) c = char(std::toupper(static_cast<unsigned char>(c)));
  if (unit.ends_with("IB")) {
    unit.resize(unit.size() - 2);
    if (unit.empty()) return bad();  // "iB" alone is not a unit
  } else if (unit.size() == 2 && unit.back() == 'B') {
    unit.pop_back();
  } else if (unit == "B") {
    unit.clear();
  }
  constexpr std::string_view kUnits = "KMGT";
  double scale = 1;
  if (!unit.empty()) {
    size_t power = unit.size() == 1 ? kUnits.find(unit[0]) : std::string_view::npos;
    if (power == std::string_view::npos) return bad();
    scale = std::pow(1024.0, double(power + 1));
  }
  double bytes = std::round(number * scale);
  if (bytes < 1 || bytes > 9.0e18) return bad();
  return int64_t(bytes);
}

std::string ByteSizeText(int64_t bytes) {
  constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = double(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.2f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

}  // namespace rungs
