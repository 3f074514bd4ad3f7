// RedactSecrets: text safe to store or print. Data locations may carry
// secrets in a URL (https://user:password@host/..., a presigned S3 URL's
// X-Amz-Signature and X-Amz-Credential, a ?token=...); every URL in the text
// keeps its scheme, host, path and the names of its query parameters, while
// its user information and the values of secret-looking parameters become
// "REDACTED". Used wherever a location is written down (experiment.json, the
// report) or shown (errors). Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace rungs {

inline constexpr std::string_view kRedacted = "REDACTED";

// `text` with the secret parts of every scheme://... URL in it replaced.
std::string RedactSecrets(std::string_view text);

// True when `text` holds a URL whose secrets RedactSecrets removed.
bool IsRedacted(std::string_view text);

}  // namespace rungs
