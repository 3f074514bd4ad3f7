// Literal formatting shared by the TOML writer and error messages.
#pragma once

#include <string>
#include <string_view>

namespace rungs::space {

// The shortest text that reads back as exactly `value`, always with a '.' or
// an exponent so TOML reads it as a float: 0.1, 1.0, 1e-05.
std::string FormatDouble(double value);

// A double-quoted string with TOML/JSON escapes: "a\"b".
std::string QuoteString(std::string_view text);

// `key` bare when TOML allows it (letters, digits, '_' and '-'), else quoted.
std::string TomlKey(std::string_view key);

}  // namespace rungs::space
