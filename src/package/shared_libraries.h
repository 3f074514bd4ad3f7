// The shared libraries a dynamically linked program loads, as `ldd` lists
// them: the dynamic loader itself and every library with the file it
// resolves to on this machine. Used to ship a program with everything it
// needs to a host with other (or older) libraries. Stateless, thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rungs::package {

struct SharedLibrary {
  std::string soname;           // the name the program asks for: "libc.so.6"
  std::filesystem::path file;   // where it is here: "/lib/x86_64-linux-gnu/libc.so.6"
};

struct SharedLibraries {
  std::filesystem::path loader;          // "/lib64/ld-linux-x86-64.so.2"
  std::vector<SharedLibrary> libraries;  // in ldd's order, without the loader and the vDSO
};

// Parses `ldd` output for `program` (named in errors). Fails when a library
// is "not found" (naming every missing one), when a line is not in ldd's
// form, or when there is no loader (a static program needs no package of
// libraries, and ldd prints nothing useful for it).
Result<SharedLibraries> ParseLddOutput(std::string_view output, std::string_view program);

// Runs `ldd program` and parses what it prints. Fails when ldd cannot be
// run or refuses the program (not a dynamic executable), with ldd's message.
Result<SharedLibraries> ListSharedLibraries(const std::filesystem::path& program);

}  // namespace rungs::package
