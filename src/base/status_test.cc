#include "base/status.h"

#include <gtest/gtest.h>

namespace rungs {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Fail("odd: " + std::to_string(n));
  return n / 2;
}

Status Check(int n) {
  RUNGS_RETURN_IF_ERROR(Half(n).status());
  return Status::Ok();
}

TEST(Status, DefaultIsOkWithEmptyMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
}

TEST(Status, ResultCarriesValueOrError) {
  EXPECT_EQ(*Half(8), 4);
  Result<int> r = Half(3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "odd: 3");
}

TEST(Status, ReturnIfErrorPropagatesTheFirstFailure) {
  EXPECT_TRUE(Check(4).ok());
  EXPECT_EQ(Check(5).message(), "odd: 5");
}

}  // namespace
}  // namespace rungs
