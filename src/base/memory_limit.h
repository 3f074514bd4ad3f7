// How much memory this process may use: the machine's physical memory, or
// the limit of its cgroup when one is set (containers, systemd slices),
// whichever is smaller. cgroup v2 gives memory.max, v1 memory.limit_in_bytes;
// "max" or v1's huge "unlimited" value mean no limit. Reads files; safe from
// any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rungs {

struct MemoryLimit {
  int64_t bytes = 0;
  std::string source;  // "machine memory" or "cgroup limit (<file>)"
};

// The cgroup memory limit under `cgroup_root` (normally /sys/fs/cgroup) for
// the cgroup that `proc_self_cgroup` (the text of /proc/self/cgroup) names,
// with the file it came from; none when there is no limit or no file.
std::optional<std::pair<int64_t, std::string>> CgroupMemoryLimit(
    const std::string& cgroup_root, const std::string& proc_self_cgroup);

// The smaller of the machine's memory and this process's cgroup limit.
MemoryLimit AvailableMemory();

// This process's resident memory now (/proc/self/statm); 0 when unknown.
int64_t ResidentBytes();

}  // namespace rungs
