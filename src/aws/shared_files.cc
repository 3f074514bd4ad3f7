#include "aws/shared_files.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace rungs::aws {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The profile a section header's inside names, or nothing for sections
// that are not profiles (such as "[sso-session x]" in the config file).
std::optional<std::string> ProfileOfSection(const std::string& inside, SharedFile which) {
  if (which == SharedFile::kCredentials) return inside;
  if (inside == "default") return inside;
  const std::string prefix = "profile";
  if (inside.compare(0, prefix.size(), prefix) != 0 || inside.size() == prefix.size() ||
      !std::isspace(static_cast<unsigned char>(inside[prefix.size()]))) {
    return std::nullopt;
  }
  return Trim(inside.substr(prefix.size()));
}

}  // namespace

std::string ProfileName() {
  std::string name = EnvOrEmpty("AWS_PROFILE");
  return name.empty() ? "default" : name;
}

std::string SharedFilePath(SharedFile which) {
  bool credentials = which == SharedFile::kCredentials;
  std::string chosen = EnvOrEmpty(credentials ? "AWS_SHARED_CREDENTIALS_FILE" : "AWS_CONFIG_FILE");
  if (!chosen.empty()) return chosen;
  std::string home = EnvOrEmpty("HOME");
  if (home.empty()) return {};
  return home + (credentials ? "/.aws/credentials" : "/.aws/config");
}

Result<std::optional<Profile>> ReadProfile(const std::string& path, SharedFile which,
                                           const std::string& name) {
  if (path.empty()) return std::optional<Profile>();
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<Profile>();
    return Fail("cannot read AWS file '" + path + "': " + std::strerror(errno));
  }
  std::optional<Profile> found;
  bool in_section = false;   // Any section seen yet.
  bool in_wanted = false;    // Inside a section of profile `name`.
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string where = path + ":" + std::to_string(number) + ": ";
    std::string text = Trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    // Indented: a sub-setting of the key before it, which we never need.
    if (std::isspace(static_cast<unsigned char>(line[0])) && in_section) continue;
    if (text[0] == '[') {
      if (text.back() != ']') return Fail(where + "section header without a closing ']'");
      std::optional<std::string> profile =
          ProfileOfSection(Trim(text.substr(1, text.size() - 2)), which);
      in_section = true;
      in_wanted = profile.has_value() && *profile == name;
      if (in_wanted && !found) found = Profile{path, number, {}};
      continue;
    }
    size_t separator = text.find_first_of("=:");
    if (separator == std::string::npos || separator == 0) {
      return Fail(where + "expected '[section]' or 'key = value'");
    }
    if (!in_section) return Fail(where + "setting before any [section]");
    if (in_wanted) {
      found->settings[Lower(Trim(text.substr(0, separator)))] =
          ProfileSetting{Trim(text.substr(separator + 1)), number};
    }
  }
  return found;
}

std::string EnvOrEmpty(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace rungs::aws
