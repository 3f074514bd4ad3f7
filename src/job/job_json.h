// The job protocol: Job, JobResult and JobEnvelope (job/envelope.h) as
// compact JSON.
//
// Every executor and the journal use these encodings; doc/job-protocol.md
// lists the fields, their types and ranges. Each document carries "v":
// kJobProtocolVersion, and a document of another version is refused.
// Decoding checks every field and refuses a missing, mistyped, unknown or
// out-of-range one with a message that starts with `origin` (a file and row,
// or "lambda request") and names the field. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "job/job.h"

namespace rungs::job {

// The protocol version written into, and required from, every document.
inline constexpr int kJobProtocolVersion = 2;

struct JobEnvelope;  // job/envelope.h

nlohmann::json JobToJson(const Job& job);
Result<Job> JobFromJson(const nlohmann::json& json, std::string_view origin);

// An error longer than the decoder reads (65536 bytes) is cut to fit.
nlohmann::json ResultToJson(const JobResult& result);
Result<JobResult> ResultFromJson(const nlohmann::json& json, std::string_view origin);

nlohmann::json EnvelopeToJson(const JobEnvelope& envelope);
Result<JobEnvelope> EnvelopeFromJson(const nlohmann::json& json, std::string_view origin);

// Parses `text` as JSON first; a syntax error names `origin` and the byte.
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view origin);

std::string_view OutcomeName(Outcome outcome);  // "ok", "failed", "diverged", "timeout", "refused",
                                                // "abandoned"
std::optional<Outcome> OutcomeFromName(std::string_view name);

std::string_view FailureName(Failure failure);  // "error", "crash", "internal",
                                                // "lambda_service", "lambda_function",
                                                // "lambda_response"
std::optional<Failure> FailureFromName(std::string_view name);

}  // namespace rungs::job
