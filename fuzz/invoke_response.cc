// Fuzzes how the driver reads an answer to a Lambda Invoke request
// (exec/invoke_client.cc: ReadInvokeHeader, ServiceErrorText,
// FunctionErrorText; exec/retry_policy.cc: ParseRetryAfter;
// exec/lambda_cost.cc: BillingFromLogResult; job/job_json.cc: the result in
// the body). The input is the status line ("HTTP/1.1 200 OK"), the header
// lines, a blank line ("\r\n\r\n"), then the body. A failed job's message,
// whatever the answer held, must survive the journal.
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "exec/invoke_client.h"
#include "exec/lambda_cost.h"
#include "exec/retry_policy.h"
#include "fuzz_check.h"
#include "job/job_json.h"

namespace {

// The journal writes a failed job's result as store/journal.cc does, and a
// resume reads it back: that must work whatever the answer held.
void CheckJournalable(const std::string& error) {
  rungs::job::JobResult failed =
      rungs::job::ResultFor(rungs::job::Job{}, rungs::job::Outcome::kFailed, error);
  std::string text = rungs::job::ResultToJson(failed).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  rungs::Result<nlohmann::json> json = rungs::job::ParseJson(text, "journal");
  FUZZ_CHECK(json.ok());
  FUZZ_CHECK(rungs::job::ResultFromJson(*json, "journal").ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rungs::exec;
  std::string_view input = rungs::fuzz::AsText(data, size);
  size_t blank = input.find("\r\n\r\n");
  std::string_view head = input.substr(0, blank);
  InvokeResponse response;
  response.body = blank == std::string_view::npos ? "" : input.substr(blank + 4);

  size_t line_end = head.find('\n');
  std::string_view status_line = head.substr(0, line_end);
  if (size_t space = status_line.find(' '); space != std::string_view::npos) {
    std::string_view code = status_line.substr(space + 1);
    std::from_chars(code.data(), code.data() + code.size(), response.status);
  }
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 1);
    line_end = head.find('\n');
    ReadInvokeHeader(head.substr(0, line_end), response);
  }

  if (response.status != 200) {
    std::string error = ServiceErrorText(response);
    FUZZ_CHECK(error.rfind("HTTP ", 0) == 0);
    CheckJournalable(error);
    if (std::optional<double> after = ParseRetryAfter(response.retry_after)) {
      FUZZ_CHECK(std::isfinite(*after) && *after >= 0);
    }
    return 0;
  }
  if (std::optional<rungs::job::Cost> cost = BillingFromLogResult(response.log_result)) {
    FUZZ_CHECK(cost->billed_ms >= 0 && cost->memory_mb >= 0);
    FUZZ_CHECK(std::isfinite(GbSeconds(*cost)));
  }
  if (!response.function_error.empty()) {
    CheckJournalable(FunctionErrorText(response));
    return 0;
  }
  rungs::Result<nlohmann::json> json = rungs::job::ParseJson(response.body, "lambda response");
  if (!json.ok()) return 0;
  rungs::Result<rungs::job::JobResult> result =
      rungs::job::ResultFromJson(*json, "lambda response");
  if (result.ok()) CheckJournalable(result->error);
  return 0;
}
