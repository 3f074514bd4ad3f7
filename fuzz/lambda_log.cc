// Fuzzes the REPORT-line parsing of exec/lambda_cost.cc. X-Amz-Log-Result is
// base64, which a fuzzer rarely gets right, so the input is the log text and
// the target encodes it; the raw input is tried as base64 too.
#include <cmath>

#include "base/base64.h"
#include "exec/lambda_cost.h"
#include "fuzz_check.h"

namespace {

void Check(std::string_view log_result) {
  std::optional<rungs::job::Cost> cost = rungs::exec::BillingFromLogResult(log_result);
  if (!cost) return;
  FUZZ_CHECK(cost->billed_ms >= 0);
  FUZZ_CHECK(cost->memory_mb >= 0 && cost->memory_mb <= (1 << 20));
  FUZZ_CHECK(std::isfinite(rungs::exec::GbSeconds(*cost)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = rungs::fuzz::AsText(data, size);
  Check(rungs::Base64Encode(input));
  Check(input);
  return 0;
}
