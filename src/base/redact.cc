#include "base/redact.h"

#include <algorithm>
#include <cctype>

namespace rungs {
namespace {

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-';
}

// Where a URL ends in running text: at white space, a quote or a bracket.
bool EndsUrl(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '"' || c == '<' ||
         c == '>' || c == '`';
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Query parameters whose values are secrets: AWS's presigned-URL fields,
// Azure's sig, and the usual token, key and password names.
bool IsSecretParameter(std::string_view name) {
  const std::string lower = Lower(name);
  for (std::string_view part : {"signature", "credential", "token", "secret", "password", "passwd",
                                "apikey", "api_key", "access_key"}) {
    if (lower.find(part) != std::string::npos) return true;
  }
  return lower == "sig" || lower == "key" || lower == "auth";
}

// `query` (without its '?') with the values of secret parameters replaced.
std::string RedactQuery(std::string_view query) {
  std::string out;
  size_t begin = 0;
  while (begin <= query.size()) {
    size_t end = std::min(query.find('&', begin), query.size());
    std::string_view pair = query.substr(begin, end - begin);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && IsSecretParameter(pair.substr(0, equals))) {
      out.append(pair.substr(0, equals + 1)).append(kRedacted);
    } else {
      out.append(pair);
    }
    if (end == query.size()) break;
    out += '&';
    begin = end + 1;
  }
  return out;
}

// One URL, from its scheme to its end.
std::string RedactUrl(std::string_view url) {
  const size_t authority = url.find("://") + 3;
  const size_t path = std::min(url.find_first_of("/?#", authority), url.size());
  std::string out(url.substr(0, authority));
  const size_t at = url.substr(0, path).rfind('@');
  if (at != std::string_view::npos && at >= authority) {
    out.append(kRedacted).append(url.substr(at, path - at));
  } else {
    out.append(url.substr(authority, path - authority));
  }
  const size_t query = std::min(url.find('?', path), url.size());
  out.append(url.substr(path, query - path));
  if (query == url.size()) return out;
  const size_t fragment = std::min(url.find('#', query), url.size());
  out += '?';
  out.append(RedactQuery(url.substr(query + 1, fragment - query - 1)));
  out.append(url.substr(fragment));
  return out;
}

}  // namespace

std::string RedactSecrets(std::string_view text) {
  std::string out;
  size_t done = 0;  // text before this is in `out`
  size_t mark = text.find("://");
  while (mark != std::string_view::npos) {
    size_t begin = mark;
    while (begin > done && IsSchemeChar(text[begin - 1])) --begin;
    size_t end = mark + 3;
    while (end < text.size() && !EndsUrl(text[end])) ++end;
    if (begin < mark) {  // a scheme: a URL
      out.append(text.substr(done, begin - done));
      out.append(RedactUrl(text.substr(begin, end - begin)));
      done = end;
    }
    mark = text.find("://", std::max(end, mark + 3));
  }
  out.append(text.substr(done));
  return out;
}

bool IsRedacted(std::string_view text) {
  return text.find("://") != std::string_view::npos &&
         text.find(kRedacted) != std::string_view::npos;
}

}  // namespace rungs
