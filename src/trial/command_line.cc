#include "trial/command_line.h"

namespace rungs::trial {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Column(size_t index) { return "column " + std::to_string(index + 1); }

}  // namespace

Result<std::vector<std::string>> SplitCommandLine(std::string_view command) {
  std::vector<std::string> args;
  std::string current;
  bool in_arg = false;  // distinguishes an empty quoted argument from no argument
  size_t i = 0;
  while (i < command.size()) {
    char c = command[i];
    if (IsSeparator(c)) {
      if (in_arg) args.push_back(std::move(current));
      current.clear();
      in_arg = false;
      ++i;
      continue;
    }
    in_arg = true;
    if (c == '\\') {
      if (i + 1 == command.size()) {
        return Fail("command: " + Column(i) + ": a backslash at the end escapes nothing");
      }
      current += command[i + 1];
      i += 2;
    } else if (c == '\'') {
      size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return Fail("command: " + Column(i) + ": single quote is never closed");
      }
      current.append(command.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < command.size() && command[j] != '"') {
        bool escape = command[j] == '\\' && j + 1 < command.size() &&
                      (command[j + 1] == '"' || command[j + 1] == '\\');
        if (escape) ++j;
        current += command[j];
        ++j;
      }
      if (j == command.size()) return Fail("command: " + Column(i) + ": double quote is never closed");
      i = j + 1;
    } else {
      current += c;
      ++i;
    }
  }
  if (in_arg) args.push_back(std::move(current));
  if (args.empty()) return Fail("command: empty (expected a program and its arguments)");
  return args;
}

}  // namespace rungs::trial
