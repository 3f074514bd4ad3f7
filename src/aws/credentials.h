// AWS credentials from the standard chain users expect, as the AWS CLI and
// SDKs find them:
//   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (what
//      Lambda sets for a function's own role);
//   2. the profile AWS_PROFILE (default "default") in the shared credentials
//      file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, section
//      "[name]"), then in the shared config file (AWS_CONFIG_FILE or
//      ~/.aws/config, section "[profile name]", or "[default]").
// Not supported: SSO, assume-role profiles, credential_process, and the
// container and instance metadata services.
// Reads the environment and files on each call; thread-safe as long as
// nobody changes the environment meanwhile.
#pragma once

#include <string>

#include "base/status.h"

namespace rungs::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // Empty for long-term keys.
  // Where they came from, for messages: "environment" or
  // "profile 'dev' in /home/me/.aws/credentials". Never the keys themselves.
  std::string source;
};

// The first credentials the chain above finds. Errors: only one of the two
// key variables set; a malformed shared file (names file and line); a
// profile with a key id but no secret, or the reverse (names file, line and
// the missing key); an AWS_PROFILE found in neither file; nothing found.
Result<Credentials> LoadCredentials();

}  // namespace rungs::aws
