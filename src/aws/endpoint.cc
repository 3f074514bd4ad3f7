#include "aws/endpoint.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "aws/shared_files.h"

namespace rungs::aws {
namespace {

bool IsRegionName(const std::string& region) {
  return std::all_of(region.begin(), region.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '-';
  });
}

Result<std::string> RegionFromConfig() {
  std::string path = SharedFilePath(SharedFile::kConfig);
  Result<std::optional<Profile>> profile = ReadProfile(path, SharedFile::kConfig, ProfileName());
  if (!profile.ok()) return profile.error();
  if (!profile->has_value()) return std::string();
  auto region = (*profile)->settings.find("region");
  return region == (*profile)->settings.end() ? std::string() : region->second.value;
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Result<std::string> ResolveRegion(const std::string& flag) {
  std::string region = flag;
  std::string from = "--region";
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (!region.empty()) break;
    region = EnvOrEmpty(variable);
    from = variable;
  }
  if (region.empty()) {
    Result<std::string> configured = RegionFromConfig();
    if (!configured.ok()) return configured.error();
    region = *configured;
    from = "region in profile '" + ProfileName() + "' of " + SharedFilePath(SharedFile::kConfig);
  }
  if (region.empty()) {
    return Fail("no AWS region: pass --region, set AWS_REGION, or set region in profile '" +
                ProfileName() + "' of the shared config file");
  }
  if (!IsRegionName(region)) {
    return Fail("bad AWS region '" + region + "' (from " + from +
                "): expected lowercase letters, digits and '-', like us-east-1");
  }
  return region;
}

std::string ResolveEndpoint(const std::string& flag, std::string_view service,
                            const std::string& region) {
  if (!flag.empty()) return WithoutTrailingSlash(flag);
  std::string suffix(service);
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) {
    return c == '-' || c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  });
  for (std::string variable : {"AWS_ENDPOINT_URL_" + suffix, std::string("AWS_ENDPOINT_URL")}) {
    std::string url = EnvOrEmpty(variable);
    if (!url.empty()) return WithoutTrailingSlash(url);
  }
  return DefaultEndpoint(service, region);
}

std::string DefaultEndpoint(std::string_view service, const std::string& region) {
  bool china = region.rfind("cn-", 0) == 0;
  return "https://" + std::string(service) + "." + region + ".amazonaws.com" + (china ? ".cn" : "");
}

}  // namespace rungs::aws
