// What every fuzz target shares: FUZZ_CHECK for the properties it asserts,
// and BytesAsFile for parsers that read a path.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// A property every input must keep. A failure aborts, so libFuzzer and the
// replay driver report it as a crash, in every build type (assert is off in
// Release).
#define FUZZ_CHECK(condition)                                                  \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, \
                   #condition);                                                \
      std::abort();                                                            \
    }                                                                          \
  } while (false)

namespace rungs::fuzz {

// The fuzz input as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A path whose file holds exactly `size` bytes of `data`: one anonymous
// memory file (memfd) per process, rewritten for every input, named
// /proc/self/fd/N. Valid until the next call.
inline std::string BytesAsFile(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("rungs-fuzz", 0);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  size_t written = 0;
  while (written < size) {
    ssize_t n = pwrite(fd, data + written, size - written, static_cast<off_t>(written));
    FUZZ_CHECK(n > 0);
    written += static_cast<size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace rungs::fuzz
