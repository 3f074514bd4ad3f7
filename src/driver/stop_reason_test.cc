#include "driver/stop_reason.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace rungs::driver {
namespace {

TEST(StopReason, EveryReasonHasItsOwnNameAndText) {
  std::set<std::string> names, texts;
  for (StopReason reason : kStopReasons) {
    names.insert(std::string(StopReasonName(reason)));
    texts.insert(std::string(StopReasonText(reason)));
  }
  // A reason missing from a switch falls back to "done", which the sets would merge.
  EXPECT_EQ(names.size(), std::size(kStopReasons));
  EXPECT_EQ(texts.size(), std::size(kStopReasons));
}

}  // namespace
}  // namespace rungs::driver
