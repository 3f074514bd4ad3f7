#include "emulate/request_checks.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

namespace rungs::emulate {
namespace {

using nlohmann::json;

constexpr const char* kAccount = "000000000000";

ErrorAnswer InvokeError(int status, const std::string& type, const std::string& message,
                        const json& body) {
  return {status, type, message, body.dump()};
}

ErrorAnswer UserError(int status, const std::string& type, const std::string& message) {
  return InvokeError(status, type, message, {{"Type", "User"}, {"message", message}});
}

// The function an Invoke path names: "name", "name:qualifier", a partial ARN
// "123456789012:function:name[:qualifier]" or a full ARN.
struct FunctionRef {
  std::string name;
  std::string qualifier;
};

FunctionRef ParseFunctionRef(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  size_t at = 0;
  if (parts.size() >= 7 && parts[0] == "arn") at = 6;
  else if (parts.size() >= 3 && parts[1] == "function") at = 2;
  FunctionRef ref;
  if (at < parts.size()) ref.name = parts[at];
  if (at + 1 < parts.size()) ref.qualifier = parts[at + 1];
  if (at + 2 < parts.size()) ref.name.clear();  // too many parts: matches nothing
  return ref;
}

bool IsVersionNumber(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

std::string FunctionArn(const std::string& region, const std::string& name,
                        const std::string& qualifier) {
  std::string arn = "arn:aws:lambda:" + region + ":" + kAccount + ":function:" + name;
  return qualifier.empty() ? arn : arn + ":" + qualifier;
}

// What the Authorization header lacks to look like SigV4 for Lambda in
// `region` ("" when it looks right); sets `*scope` to "AKID/date/region/lambda".
std::string CheckAuthorization(const InvokeRequest& request, const std::string& region,
                               std::string* scope) {
  if (!request.authorization) return "Missing Authentication Token";
  static const std::regex kSigV4(
      R"(AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request,\s*SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]{64})");
  std::smatch m;
  if (!std::regex_match(*request.authorization, m, kSigV4)) {
    return "Authorization header is not AWS4-HMAC-SHA256 with Credential, SignedHeaders and "
           "Signature";
  }
  if (!request.has_date) return "X-Amz-Date header is missing";
  if (m[3] != region) {
    return "Credential should be scoped to a valid region, '" + region + "', not '" +
           m[3].str() + "'";
  }
  if (m[4] != "lambda") {
    return "Credential should be scoped to correct service: 'lambda', not '" + m[4].str() + "'";
  }
  *scope = m[1].str() + "/" + m[2].str() + "/" + m[3].str() + "/lambda";
  return "";
}

}  // namespace

InvokeCheck CheckInvoke(const InvokeRequest& request, const std::string& function_name,
                        const std::string& region) {
  InvokeCheck check;
  FunctionRef ref = ParseFunctionRef(request.function);
  if (!request.query_qualifier.empty() && !ref.qualifier.empty() &&
      request.query_qualifier != ref.qualifier) {
    check.refused = UserError(400, "InvalidParameterValueException",
                              "The derived qualifier from the function name does not match the "
                              "specified qualifier.");
    return check;
  }
  std::string qualifier = ref.qualifier.empty() ? request.query_qualifier : ref.qualifier;
  // One function, $LATEST; any alias resolves to it, published versions do not exist.
  static const std::regex kAlias("[A-Za-z0-9_-]{1,128}");
  bool qualifier_ok = qualifier.empty() || qualifier == "$LATEST" ||
                      (!IsVersionNumber(qualifier) && std::regex_match(qualifier, kAlias));
  if (ref.name != function_name || !qualifier_ok) {
    std::string shown = ref.name.empty() ? request.function : ref.name;
    std::string message = "Function not found: " + FunctionArn(region, shown, qualifier);
    check.refused = InvokeError(404, "ResourceNotFoundException", message,
                                {{"Type", "User"}, {"Message", message}});
    return check;
  }

  std::string problem = CheckAuthorization(request, region, &check.scope);
  if (!problem.empty()) {
    const char* type = request.authorization ? "IncompleteSignatureException"
                                             : "MissingAuthenticationTokenException";
    check.refused = InvokeError(403, type, problem, {{"message", problem}});
    return check;
  }
  if (!request.invocation_type.empty() && request.invocation_type != "RequestResponse") {
    check.refused = UserError(400, "InvalidParameterValueException",
                              "this emulator serves RequestResponse invocations only (got '" +
                                  request.invocation_type + "')");
    return check;
  }
  if (request.payload_bytes > kMaxPayload) {
    check.refused = UserError(413, "RequestTooLargeException",
                              "Request must be smaller than " + std::to_string(kMaxPayload) +
                                  " bytes for the InvokeFunction operation");
    return check;
  }
  check.arn = FunctionArn(region, function_name, qualifier);
  return check;
}

std::optional<ErrorAnswer> CheckNext(const std::string& held_id) {
  if (held_id.empty()) return std::nullopt;
  return RuntimeErrorAnswer(400, "InvalidStateTransition",
                            "invocation " + held_id + " has not been answered yet");
}

std::optional<ErrorAnswer> CheckAnswerId(const std::string& posted_id,
                                         const std::string& held_id) {
  if (!held_id.empty() && posted_id == held_id) return std::nullopt;
  return RuntimeErrorAnswer(400, "InvalidRequestID",
                            "this instance holds no invocation with request id '" + posted_id +
                                "'");
}

std::optional<ErrorAnswer> CheckAnswerSize(size_t payload_bytes) {
  if (payload_bytes <= kMaxPayload) return std::nullopt;
  char message[160];
  std::snprintf(message, sizeof(message),
                "Response payload size exceeded maximum allowed payload size (%zu bytes).",
                kMaxPayload);
  return RuntimeErrorAnswer(413, "RequestEntityTooLarge", message);
}

}  // namespace rungs::emulate
