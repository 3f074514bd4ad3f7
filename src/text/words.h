// Words: where fastText splits text, and the optional normalization that
// lowercases ASCII letters and sets punctuation apart. Pure functions,
// thread-safe. Bytes >= 0x80 are never touched, so any encoding survives.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rungs::text {

// True for the bytes that end a word in fastText: space \t \n \v \f \r \0.
constexpr bool IsWordSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
         c == '\0';
}

// Appends `text` to `out` with ASCII letters lowercased and each run of ASCII
// punctuation made a word of its own ("Hi, there!!" -> "hi , there !!").
void AppendNormalized(std::string_view text, std::string& out);

// Appends the words of `text` to `words`, as views into `text`.
void AppendWords(std::string_view text, std::vector<std::string_view>& words);

}  // namespace rungs::text
