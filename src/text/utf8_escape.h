// Lossless passage of non-UTF-8 bytes through a strict JSON parser.
//
// nlohmann-json rejects strings holding invalid UTF-8, but a JSON-lines file
// written from latin-1 data holds exactly that. Before parsing, each byte that
// is not part of a valid UTF-8 sequence is replaced by the code point
// U+10FF00 + byte (private-use plane 16, U+10FF80..U+10FFFF); after parsing,
// the strings are mapped back, so the bytes come out exactly as they went in.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace rungs::text {

enum class Utf8Escape {
  kValid,      // `in` is valid UTF-8: parse it as it is, `out` is untouched
  kEscaped,    // `out` holds the escaped text; unescape the parsed strings
  kAmbiguous,  // `in` mixes invalid bytes with real U+10FF80..U+10FFFF (raw or \\u-escaped)
};

// Escapes the invalid bytes of `in` into `out` (cleared first) when there are any.
Utf8Escape EscapeInvalidUtf8(std::string_view in, std::string& out);

// Maps every U+10FF80..U+10FFFF in `text` back to the byte it stands for.
void UnescapeInvalidUtf8(std::string& text);

}  // namespace rungs::text
