#include "exec/lambda_cost.h"

#include <charconv>
#include <string>

#include "base/base64.h"

namespace rungs::exec {
namespace {

// The integer that follows `label` in `line`, e.g. "Billed Duration: " -> 103.
std::optional<int64_t> NumberAfter(std::string_view line, std::string_view label) {
  size_t at = line.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + label.size());
  int64_t value = 0;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (error != std::errc() || value < 0) return std::nullopt;
  return value;
}

// The last REPORT line's "Billed Duration" and "Memory Size" in log text.
std::optional<job::Cost> BillingFromLog(std::string_view log) {
  size_t at = log.rfind("REPORT RequestId:");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view line = log.substr(at);
  line = line.substr(0, line.find('\n'));
  std::optional<int64_t> billed = NumberAfter(line, "Billed Duration: ");
  std::optional<int64_t> memory = NumberAfter(line, "Memory Size: ");
  if (!billed || !memory || *memory > (1 << 20)) return std::nullopt;
  return job::Cost{*billed, static_cast<int>(*memory)};
}

}  // namespace

std::optional<job::Cost> BillingFromLogResult(std::string_view base64) {
  if (base64.empty() || base64.size() > (1 << 20)) return std::nullopt;
  std::optional<std::string> decoded = Base64Decode(base64);
  if (!decoded) return std::nullopt;
  return BillingFromLog(*decoded);
}

double GbSeconds(const job::Cost& cost) {
  return static_cast<double>(cost.billed_ms) / 1000.0 * static_cast<double>(cost.memory_mb) /
         1024.0;
}

}  // namespace rungs::exec
