#include "aws/credentials.h"

#include <cstdlib>
#include <optional>

#include "aws/shared_files.h"

namespace rungs::aws {
namespace {

Result<std::optional<Credentials>> FromEnvironment() {
  std::string id = EnvOrEmpty("AWS_ACCESS_KEY_ID");
  std::string secret = EnvOrEmpty("AWS_SECRET_ACCESS_KEY");
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  if (secret.empty()) return Fail("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  if (id.empty()) return Fail("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  return std::optional<Credentials>(
      Credentials{id, secret, EnvOrEmpty("AWS_SESSION_TOKEN"), "environment"});
}

// The keys of a profile, nothing when it has neither key (it may only hold
// settings such as region), an error when it has only one of them.
Result<std::optional<Credentials>> FromProfile(const Profile& profile, const std::string& name) {
  auto get = [&](const char* key) {
    auto it = profile.settings.find(key);
    return it == profile.settings.end() ? std::string() : it->second.value;
  };
  std::string id = get("aws_access_key_id");
  std::string secret = get("aws_secret_access_key");
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  std::string where =
      profile.file + ":" + std::to_string(profile.line) + ": profile '" + name + "'";
  if (secret.empty()) return Fail(where + " has aws_access_key_id but no aws_secret_access_key");
  if (id.empty()) return Fail(where + " has aws_secret_access_key but no aws_access_key_id");
  return std::optional<Credentials>(Credentials{
      id, secret, get("aws_session_token"), "profile '" + name + "' in " + profile.file});
}

}  // namespace

Result<Credentials> LoadCredentials() {
  Result<std::optional<Credentials>> env = FromEnvironment();
  if (!env.ok()) return env.error();
  if (env->has_value()) return **env;

  std::string name = ProfileName();
  bool profile_seen = false;
  std::string searched;
  for (SharedFile which : {SharedFile::kCredentials, SharedFile::kConfig}) {
    std::string path = SharedFilePath(which);
    if (path.empty()) continue;
    searched += (searched.empty() ? "" : " and ") + path;
    Result<std::optional<Profile>> profile = ReadProfile(path, which, name);
    if (!profile.ok()) return profile.error();
    if (!profile->has_value()) continue;
    profile_seen = true;
    Result<std::optional<Credentials>> keys = FromProfile(**profile, name);
    if (!keys.ok()) return keys.error();
    if (keys->has_value()) return **keys;
  }
  if (searched.empty()) searched = "no shared files (HOME is not set)";
  if (profile_seen) {
    return Fail("no AWS credentials: profile '" + name + "' has no aws_access_key_id in " +
                searched);
  }
  if (name != "default") {
    return Fail("no AWS credentials: profile '" + name + "' (AWS_PROFILE) is not in " + searched);
  }
  return Fail(
      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add a [default] "
      "profile to the shared credentials file (searched " + searched + ")");
}

}  // namespace rungs::aws
