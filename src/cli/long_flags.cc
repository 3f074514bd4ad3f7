#include "cli/long_flags.h"

namespace rungs::cli {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsSingleDashLongFlag(const std::string& arg) {
  if (arg.size() < 3 || arg[0] != '-' || !IsLetter(arg[1])) return false;
  for (size_t i = 2; i < arg.size(); ++i) {
    char c = arg[i];
    if (!IsLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> WithTwoDashLongFlags(int argc, const char* const* argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (IsSingleDashLongFlag(args[i])) args[i].insert(0, "-");
  }
  return args;
}

}  // namespace rungs::cli
