#include "package/shared_libraries.h"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "proc/child_process.h"

namespace rungs::package {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "path (0x00007f...)" -> "path"; ldd prints the load address after a space.
std::string_view WithoutAddress(std::string_view s) {
  size_t address = s.rfind(" (0x");
  return Trim(address == std::string_view::npos ? s : s.substr(0, address));
}

}  // namespace

Result<SharedLibraries> ParseLddOutput(std::string_view output, std::string_view program) {
  SharedLibraries found;
  std::vector<std::string> missing;
  while (!output.empty()) {
    size_t end = output.find('\n');
    std::string_view line = Trim(output.substr(0, end));
    output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
    if (line.empty()) continue;

    size_t arrow = line.find(" => ");
    if (arrow == std::string_view::npos) {
      // The loader by its absolute path, or the kernel's vDSO (no file).
      std::string_view path = WithoutAddress(line);
      if (path.starts_with("/")) {
        found.loader = path;
      } else if (!path.starts_with("linux-vdso.") && !path.starts_with("linux-gate.")) {
        return Fail("ldd " + std::string(program) + ": unexpected line '" + std::string(line) +
                    "'");
      }
      continue;
    }
    std::string soname(Trim(line.substr(0, arrow)));
    std::string_view target = WithoutAddress(line.substr(arrow + 4));
    if (target.starts_with("not found")) {
      missing.push_back(soname);
    } else if (target.starts_with("/")) {
      found.libraries.push_back({soname, std::filesystem::path(target)});
    } else {
      return Fail("ldd " + std::string(program) + ": unexpected line '" + std::string(line) + "'");
    }
  }
  if (!missing.empty()) {
    std::string names;
    for (const std::string& name : missing) names += (names.empty() ? "" : ", ") + name;
    return Fail(std::string(program) + " needs shared libraries this machine does not have: " +
                names + " (ldd reports them \"not found\"); install them first");
  }
  if (found.loader.empty()) {
    return Fail("ldd " + std::string(program) +
                " names no dynamic loader; is it a dynamic executable?");
  }
  return found;
}

Result<SharedLibraries> ListSharedLibraries(const std::filesystem::path& program) {
  std::filesystem::path err_path = std::filesystem::temp_directory_path() /
                                   ("rungs-ldd-" + std::to_string(::getpid()) + ".err");
  auto child = proc::ChildProcess::Spawn({"ldd", program.string()}, err_path);
  if (!child.ok()) {
    return Fail("cannot list the shared libraries of " + program.string() + ": " + child.message());
  }
  std::string output;
  while ((*child)->stdout_open()) {
    for (const std::string& line : (*child)->ReadLines(std::chrono::milliseconds(1000))) {
      output += line + "\n";
    }
  }
  // Stdout ends as ldd exits; give it a moment to be reaped before stopping it.
  std::optional<proc::ExitStatus> ended;
  for (int i = 0; i < 1000 && !(ended = (*child)->TryReap()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!ended) ended = (*child)->Stop(std::chrono::milliseconds(100));
  std::string err = proc::FileTail(err_path, 4096);
  std::error_code ignored;
  std::filesystem::remove(err_path, ignored);
  // ldd exits 0 even when a library is missing; the parser refuses those.
  if (ended->code != 0) {
    return Fail("ldd " + program.string() + " " + ended->Describe() +
                (err.empty() ? "" : ": " + err));
  }
  return ParseLddOutput(output, program.string());
}

}  // namespace rungs::package
