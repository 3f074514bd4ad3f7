// Fuzzes the worker's reading of the Lambda Runtime API's answer to GET
// invocation/next (worker/runtime_api.cc: ParseInvocation) and the deadline
// it then derives (worker/worker_loop.cc: SteadyDeadline). The input is the
// answer's header lines, a blank line ("\r\n\r\n"), then the event.
#include "fuzz_check.h"
#include "worker/runtime_api.h"
#include "worker/worker_loop.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rungs::worker;
  std::string_view input = rungs::fuzz::AsText(data, size);
  size_t blank = input.find("\r\n\r\n");
  std::string_view headers = input.substr(0, blank);
  std::string body(blank == std::string_view::npos ? "" : input.substr(blank + 4));
  rungs::Result<Invocation> invocation = ParseInvocation(headers, body);
  if (!invocation.ok()) return 0;
  FUZZ_CHECK(!invocation->request_id.empty());
  FUZZ_CHECK(invocation->request_id.find_first_of("/?#% \r\n") == std::string::npos);
  FUZZ_CHECK(invocation->body == body);
  SteadyDeadline(invocation->deadline_ms);
  return 0;
}
