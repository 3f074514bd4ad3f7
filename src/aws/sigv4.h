// SigV4 request signing, done by libcurl itself (CURLOPT_AWS_SIGV4).
//
// What libcurl 7.88 (Debian 12) signs, from its lib/http_aws_sigv4.c, and
// what callers must therefore do:
// - Signed headers: Host, X-Amz-Date (added by libcurl) and every header in
//   CURLOPT_HTTPHEADER, names lower-cased and values trimmed. Headers
//   libcurl adds by itself (User-Agent, Accept, Content-Length, a default
//   Content-Type) are sent unsigned, which AWS accepts.
// - Never set X-Amz-Date yourself: libcurl 7.88 then sends it twice.
// - Payload hash: the value of an X-Amz-Content-Sha256 header when there is
//   one, else the SHA-256 of CURLOPT_POSTFIELDS (of nothing for a GET). So a
//   body must go through CURLOPT_POSTFIELDS, and S3, which requires the
//   header, needs it added by the caller (libcurl adds it only from 8.0).
// - The path and query are signed exactly as sent: percent-encode the path
//   yourself (S3 signs it encoded once) and give query parameters sorted and
//   encoded. Services other than S3 sign each segment encoded twice, which
//   libcurl 7.88 cannot do, so keep their paths to unreserved characters
//   (Lambda function names are). Use CURLOPT_PATH_AS_IS when "." or ".."
//   segments must not be removed.
// - libcurl 7.88 sorts whole "name:value" lines, so two header names where
//   one is a prefix of the other ("x-a", "x-a-b") would be signed out of
//   order, and repeated names are not joined; avoid both.
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "aws/credentials.h"

namespace rungs::aws {

// Makes `curl` sign its request with SigV4 for `region` and `service`
// ("aws:amz:<region>:<service>", the key pair as user name and password).
// With a session token, appends "X-Amz-Security-Token: <token>" to
// *headers, which libcurl then signs. Sets CURLOPT_HTTPHEADER to *headers
// (call it after adding your own headers, or set CURLOPT_HTTPHEADER again
// afterwards); the caller still owns and frees the list, after the transfer.
// libcurl copies the strings, so `c` need not outlive the call.
void SignWithSigV4(CURL* curl, curl_slist** headers, const Credentials& c, std::string_view region,
                   std::string_view service);

}  // namespace rungs::aws
