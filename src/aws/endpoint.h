// Where AWS requests go: the region and the endpoint URL, resolved the way
// the AWS CLI does, so users' settings and local emulators just work.
// Reads the environment and the shared config file on each call.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace rungs::aws {

// The region: `flag` (--region) when not empty, else AWS_REGION (set by
// Lambda), else AWS_DEFAULT_REGION, else `region` in the AWS_PROFILE profile
// of the shared config file. Fails when none is set, when the config file
// is malformed, or when the region is not of lowercase letters, digits and
// dashes (it becomes part of a host name).
Result<std::string> ResolveRegion(const std::string& flag);

// The endpoint URL for `service` ("lambda", "s3"), without a trailing slash:
// `flag` (--endpoint-url) when not empty, else AWS_ENDPOINT_URL_<SERVICE>
// (service upper-cased, '-' and ' ' as '_', e.g. AWS_ENDPOINT_URL_S3), else
// AWS_ENDPOINT_URL, else DefaultEndpoint(service, region).
std::string ResolveEndpoint(const std::string& flag, std::string_view service,
                            const std::string& region);

// AWS's own endpoint: "https://<service>.<region>.amazonaws.com" (".com.cn"
// for the China regions, whose names start with "cn-").
std::string DefaultEndpoint(std::string_view service, const std::string& region);

}  // namespace rungs::aws
