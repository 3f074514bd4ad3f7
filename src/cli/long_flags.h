// fastText spells its long flags with one dash (-input, -lr, -wordNgrams);
// CLI11 only knows two (--input). Rewriting the command line before parsing
// lets a fastText user type what they are used to, for every subcommand.
#pragma once

#include <string>
#include <vector>

namespace rungs::cli {

// argv with every "-name" (one dash, a letter, then at least one letter,
// digit, '-' or '_') spelled "--name". Single-letter flags (-h), "-" (stdin),
// negative numbers and anything after "--" are left alone, so short flags
// cannot be bundled ("-ab" means --ab).
std::vector<std::string> WithTwoDashLongFlags(int argc, const char* const* argv);

}  // namespace rungs::cli
