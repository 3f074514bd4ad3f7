#include "text/words.h"

#include "text/reader.h"

namespace rungs::text {
namespace {

bool IsAsciiPunctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

}  // namespace

void AppendNormalized(std::string_view text, std::string& out) {
  enum class Kind { kSeparator, kPunctuation, kWord };
  Kind last = Kind::kSeparator;
  for (char c : text) {
    Kind kind = IsWordSeparator(c)       ? Kind::kSeparator
                : IsAsciiPunctuation(c) ? Kind::kPunctuation
                                         : Kind::kWord;
    // A change between punctuation and word bytes starts a new word.
    if (kind != Kind::kSeparator && last != Kind::kSeparator && kind != last) out.push_back(' ');
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    last = kind;
  }
}

void AppendWords(std::string_view text, std::vector<std::string_view>& words) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsWordSeparator(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsWordSeparator(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
}

void SplitWords(std::string_view line, bool normalize, std::string& scratch,
                std::vector<std::string_view>& words) {
  words.clear();
  if (!normalize) {
    AppendWords(line, words);
    return;
  }
  scratch.clear();
  AppendNormalized(line, scratch);
  AppendWords(scratch, words);
}

}  // namespace rungs::text
