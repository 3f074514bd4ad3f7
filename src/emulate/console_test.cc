#include "emulate/console.h"

#include <gtest/gtest.h>

namespace rungs::emulate {
namespace {

std::string Printed(bool quiet, int instance, const std::string& lines) {
  ::testing::internal::CaptureStderr();
  LogLines(quiet, "fn", instance, lines);
  return ::testing::internal::GetCapturedStderr();
}

TEST(Console, InstanceLinesArePrefixedOneByOne) {
  EXPECT_EQ(Printed(false, 3, "one\ntwo\n"), "[fn 3] one\n[fn 3] two\n");
  EXPECT_EQ(Printed(false, 0, "no newline"), "[fn 0] no newline\n");
  EXPECT_EQ(Printed(false, -1, "END RequestId: r\n"), "END RequestId: r\n");
}

TEST(Console, QuietPrintsNothing) {
  EXPECT_EQ(Printed(true, 3, "one\n"), "");
  ::testing::internal::CaptureStderr();
  Notice(true, "hello");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ::testing::internal::CaptureStderr();
  Notice(false, "hello");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "rungs lambda emulate: hello\n");
}

}  // namespace
}  // namespace rungs::emulate
