#include "fetch/csv_field.h"

namespace rungs::fetch {

std::string QuoteCsvField(std::string_view field) {
  std::string quoted;
  quoted.reserve(field.size() + 2);
  quoted += '"';
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace rungs::fetch
