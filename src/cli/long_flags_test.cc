#include "cli/long_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::cli {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Rewrite(std::vector<const char*> argv) {
  return WithTwoDashLongFlags(static_cast<int>(argv.size()), argv.data());
}

TEST(LongFlags, FastTextSpellingsGainASecondDash) {
  EXPECT_THAT(Rewrite({"rungs", "train", "-input", "a.txt", "-wordNgrams", "2", "-min-x_y", "1"}),
              ElementsAre("rungs", "train", "--input", "a.txt", "--wordNgrams", "2", "--min-x_y", "1"));
}

TEST(LongFlags, ShortFlagsNumbersStdinAndValuesAfterDoubleDashStay) {
  EXPECT_THAT(Rewrite({"-input", "-h", "-t", "-1", "-0.5", "-", "--dim", "-e9", "--", "-input"}),
              ElementsAre("-input", "-h", "-t", "-1", "-0.5", "-", "--dim", "--e9", "--", "-input"));
}

}  // namespace
}  // namespace rungs::cli
