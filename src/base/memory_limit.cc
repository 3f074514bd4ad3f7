#include "base/memory_limit.h"

#include <charconv>
#include <filesystem>
#include <sstream>
#include <unistd.h>

#include "base/text_file.h"

namespace rungs {
namespace {

// A limit file's number; none for "max", junk or v1's "no limit" (a value
// near 2^63 rounded to pages).
std::optional<int64_t> LimitIn(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return std::nullopt;
  int64_t value = 0;
  const char* begin = text->data();
  auto [end, error] = std::from_chars(begin, begin + text->size(), value);
  if (error != std::errc() || value <= 0 || value >= (int64_t{1} << 60)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::pair<int64_t, std::string>> CgroupMemoryLimit(
    const std::string& cgroup_root, const std::string& proc_self_cgroup) {
  namespace fs = std::filesystem;
  // Lines are "id:controllers:path": v2 is "0::/path"; v1 lists "memory".
  std::istringstream lines(proc_self_cgroup);
  std::string line;
  std::optional<std::pair<int64_t, std::string>> found;
  auto consider = [&](const fs::path& file) {
    std::optional<int64_t> limit = LimitIn(file.string());
    if (limit && (!found || *limit < found->first)) found.emplace(*limit, file.string());
  };
  while (std::getline(lines, line)) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      consider(fs::path(cgroup_root) / path.substr(path.starts_with('/') ? 1 : 0) / "memory.max");
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      consider(fs::path(cgroup_root) / "memory" / path.substr(path.starts_with('/') ? 1 : 0) /
               "memory.limit_in_bytes");
    }
  }
  // Inside a container the cgroup's own folder is often mounted as the root.
  consider(fs::path(cgroup_root) / "memory.max");
  consider(fs::path(cgroup_root) / "memory" / "memory.limit_in_bytes");
  return found;
}

MemoryLimit AvailableMemory() {
  MemoryLimit limit;
  limit.bytes = int64_t(sysconf(_SC_PHYS_PAGES)) * int64_t(sysconf(_SC_PAGESIZE));
  limit.source = "machine memory";
  Result<std::string> self = ReadTextFile("/proc/self/cgroup");
  auto cgroup = CgroupMemoryLimit("/sys/fs/cgroup", self.ok() ? *self : "");
  if (cgroup && cgroup->first < limit.bytes) {
    limit.bytes = cgroup->first;
    limit.source = "cgroup limit (" + cgroup->second + ")";
  }
  return limit;
}

int64_t ResidentBytes() {
  Result<std::string> statm = ReadTextFile("/proc/self/statm");
  if (!statm.ok()) return 0;
  std::istringstream fields(*statm);
  int64_t size = 0, resident = 0;
  if (!(fields >> size >> resident)) return 0;
  return resident * int64_t(sysconf(_SC_PAGESIZE));
}

}  // namespace rungs
