// S3 objects: s3:// URIs, their URLs, and a signed, conditional GET into a
// file. Each call uses its own libcurl handle, so calls may run on several
// threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "base/status.h"

namespace rungs::aws {

struct S3Location {
  std::string bucket;
  std::string key;  // As written, not percent-encoded.
};

// "s3://bucket/key/with/slashes" -> {bucket, key}. Everything after the
// bucket's slash is the key, taken literally. Errors name the URI and say
// what is wrong: not s3://, no bucket, no key, or a bucket name S3 refuses
// (3 to 63 lowercase letters, digits, '.' and '-', starting and ending with
// a letter or digit).
Result<S3Location> ParseS3Uri(std::string_view uri);

// The key percent-encoded the way S3 signs it: every byte but letters,
// digits, "-._~" and '/' as %XX (upper-case hex).
std::string EncodeS3Key(std::string_view key);

// The URL of the object. On AWS's own endpoint (DefaultEndpoint("s3",
// region)) it is virtual-hosted, https://<bucket>.s3.<region>.amazonaws.com/<key>,
// except for bucket names with dots (their TLS certificate would not match),
// which use path style on that endpoint. Any other endpoint (an emulator, a
// proxy) gets path style: <endpoint>/<bucket>/<key>.
std::string S3ObjectUrl(const S3Location& where, const std::string& region,
                        const std::string& endpoint);

struct S3GetResult {
  bool not_modified = false;  // 304: `path` was left alone.
  std::string etag;           // As S3 sent it, quotes included.
  int64_t bytes = 0;          // Bytes written to `path` (0 when not modified).
};

// GETs the object into `path`: written to a temporary name beside it and
// renamed into place once whole, so `path` is never a partial object. With
// a non-empty `if_none_match` (an ETag from an earlier result) the GET is
// conditional, and a 304 leaves `path` untouched. `endpoint` comes from
// ResolveEndpoint(flag, "s3", region). Errors name the s3:// URI and the
// HTTP status with S3's <Code> and <Message> (e.g. "HTTP status 403
// AccessDenied: Access Denied"), or the transfer failure; a bucket in
// another region says which. Gives up when no connection is made within
// 30 s or when fewer than 1 byte a second arrives for 60 s.
Result<S3GetResult> S3GetToFile(const S3Location& where, const std::string& path,
                                const std::string& if_none_match, const Credentials& c,
                                const std::string& region, const std::string& endpoint);

}  // namespace rungs::aws
