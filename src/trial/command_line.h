// SplitCommandLine: one command string to an argument vector, without a shell.
//
// `rungs tune --command "python3 train.py --lr {lr}"` is split here; nothing
// is expanded (no variables, globs, pipes or redirections), so what the user
// wrote is exactly what the program receives. Rules:
//   - spaces, tabs and newlines separate arguments;
//   - '...' keeps everything inside literally (no escapes);
//   - "..." keeps everything inside, except that \" and \\ stand for " and \;
//   - outside quotes, a backslash keeps the next character literally;
//   - quotes join with what touches them: --name="a b" is one argument;
//   - '' or "" is an empty argument.
// Pure function; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rungs::trial {

// The arguments of `command`. Fails, naming the column, on an unclosed quote
// or a trailing backslash, and on a command with no arguments at all.
Result<std::vector<std::string>> SplitCommandLine(std::string_view command);

}  // namespace rungs::trial
