#include "base/text_file.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace rungs {

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read " + path + ": " + std::system_category().message(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Fail("cannot read " + path + ": read error");
  return text.str();
}

}  // namespace rungs
