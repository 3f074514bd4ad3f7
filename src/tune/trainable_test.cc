#include "tune/trainable.h"

#include <gtest/gtest.h>

namespace rungs::tune {
namespace {

TEST(CheckpointMemory, IsTheFlagButAtMostHalfTheMemoryBudget) {
  TuneSpec spec;
  spec.checkpoint_memory_mb = 4096;
  EXPECT_EQ(CheckpointMemoryBytes(spec, int64_t{2} << 30), int64_t{1} << 30);  // --memory 2G
  EXPECT_EQ(CheckpointMemoryBytes(spec, int64_t{64} << 30), int64_t{4096} << 20);
  EXPECT_EQ(CheckpointMemoryBytes(spec, 0), int64_t{4096} << 20);  // no budget (Lambda)
  spec.checkpoint_memory_mb = 0;  // everything on disk
  EXPECT_EQ(CheckpointMemoryBytes(spec, int64_t{2} << 30), 0);
}

}  // namespace
}  // namespace rungs::tune
