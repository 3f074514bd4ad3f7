#include "text/utf8_escape.h"

#include <cstdint>

namespace rungs::text {
namespace {

// The UTF-8 encoding of U+10FF00 + b for b in 0x80..0xFF is F4 8F BE|BF xx.
constexpr uint8_t kEscapeLead = 0xF4;
constexpr uint8_t kEscapeSecond = 0x8F;

bool IsContinuation(uint8_t c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
size_t ValidSequenceLength(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t c = at(i);
  if (c < 0x80) return 1;
  size_t n;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (!IsContinuation(at(i + k))) return 0;
  }
  return n;
}

// True if `text` holds the JSON escape of a high surrogate that can start a
// code point in U+10FF80..U+10FFFF ("\\udbff", any case).
bool HasJsonEscapeLookalike(std::string_view text) {
  for (size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i + 1)) {
    if (i + 6 > text.size() || (text[i + 1] != 'u')) continue;
    std::string_view hex = text.substr(i + 2, 4);
    auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
    if (lower(hex[0]) == 'd' && lower(hex[1]) == 'b' && lower(hex[2]) == 'f' && lower(hex[3]) == 'f') {
      return true;
    }
  }
  return false;
}

bool IsEscapeSequence(std::string_view text, size_t i) {
  return i + 4 <= text.size() && static_cast<uint8_t>(text[i]) == kEscapeLead &&
         static_cast<uint8_t>(text[i + 1]) == kEscapeSecond &&
         (static_cast<uint8_t>(text[i + 2]) == 0xBE || static_cast<uint8_t>(text[i + 2]) == 0xBF) &&
         IsContinuation(static_cast<uint8_t>(text[i + 3]));
}

}  // namespace

Utf8Escape EscapeInvalidUtf8(std::string_view in, std::string& out) {
  bool has_invalid = false;
  bool has_escape_lookalike = false;
  for (size_t i = 0; i < in.size();) {
    size_t n = ValidSequenceLength(in, i);
    if (n == 0) {
      has_invalid = true;
      i += 1;
    } else {
      has_escape_lookalike = has_escape_lookalike || (n == 4 && IsEscapeSequence(in, i));
      i += n;
    }
  }
  if (!has_invalid) return Utf8Escape::kValid;
  if (has_escape_lookalike || HasJsonEscapeLookalike(in)) return Utf8Escape::kAmbiguous;
  out.clear();
  for (size_t i = 0; i < in.size();) {
    size_t n = ValidSequenceLength(in, i);
    if (n > 0) {
      out.append(in, i, n);
      i += n;
      continue;
    }
    auto b = static_cast<uint8_t>(in[i++]);
    out.push_back(static_cast<char>(kEscapeLead));
    out.push_back(static_cast<char>(kEscapeSecond));
    out.push_back(static_cast<char>(b < 0xC0 ? 0xBE : 0xBF));
    out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
  }
  return Utf8Escape::kEscaped;
}

void UnescapeInvalidUtf8(std::string& text) {
  size_t write = 0;
  for (size_t read = 0; read < text.size();) {
    if (IsEscapeSequence(text, read)) {
      uint8_t base = static_cast<uint8_t>(text[read + 2]) == 0xBE ? 0x80 : 0xC0;
      text[write++] = static_cast<char>(base | (static_cast<uint8_t>(text[read + 3]) & 0x3F));
      read += 4;
    } else {
      text[write++] = text[read++];
    }
  }
  text.resize(write);
}

}  // namespace rungs::text
