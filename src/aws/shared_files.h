// The AWS shared credentials and config files: where they are and the
// settings of one profile in them. Both are INI files: "[section]" headers,
// "key = value" (or "key: value") settings, '#' and ';' comment lines, and
// indented lines holding the sub-settings of a key with an empty value
// (e.g. "s3 =" then "  max_concurrent_requests = 20"), which are skipped.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/status.h"

namespace rungs::aws {

struct ProfileSetting {
  std::string value;
  int line = 0;
};

struct Profile {
  std::string file;
  int line = 0;  // Of its section header.
  std::map<std::string, ProfileSetting> settings;  // Keys lower-cased.
};

enum class SharedFile {
  kCredentials,  // Sections are "[name]".
  kConfig,       // Sections are "[profile name]", and "[default]".
};

// AWS_PROFILE, or "default" when unset or empty.
std::string ProfileName();

// AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE when set, else
// $HOME/.aws/credentials or $HOME/.aws/config; empty without HOME.
std::string SharedFilePath(SharedFile which);

// The profile `name` in the file at `path` (of kind `which`), settings of
// repeated sections merged with the later value winning. Nothing (not an
// error) when the path is empty, the file is missing or has no such
// section. Errors name the file and line: a section header without ']', a
// setting before any section, a line that is neither.
Result<std::optional<Profile>> ReadProfile(const std::string& path, SharedFile which,
                                           const std::string& name);

// The environment variable's value; empty when it is not set.
std::string EnvOrEmpty(const std::string& name);

}  // namespace rungs::aws
