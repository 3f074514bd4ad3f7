#include "cli/progress_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

namespace rungs::cli {
namespace {

using Mode = ProgressLine::Mode;
using ::testing::MatchesRegex;

TEST(ProgressLine, ShownOnATerminalByDefaultAndInLogsOnlyWhenAsked) {
  // verbose, verbose given, --progress, stderr is a terminal
  EXPECT_EQ(ProgressLine::Choose(2, false, false, true), Mode::kTerminal);
  EXPECT_EQ(ProgressLine::Choose(2, false, false, false), Mode::kOff);
  EXPECT_EQ(ProgressLine::Choose(2, true, false, false), Mode::kLog);
  EXPECT_EQ(ProgressLine::Choose(1, true, false, true), Mode::kOff);
  EXPECT_EQ(ProgressLine::Choose(0, true, false, true), Mode::kOff);
  EXPECT_EQ(ProgressLine::Choose(2, false, true, false), Mode::kLog);
  EXPECT_EQ(ProgressLine::Choose(0, true, true, true), Mode::kTerminal);
}

std::string Render(Mode mode, const text::TrainProgress& progress) {
  char buffer[512] = {};
  std::FILE* out = fmemopen(buffer, sizeof(buffer) - 1, "w");
  ProgressLine line(mode, out, /*threads=*/2, /*total_epochs=*/4);
  line.Update(progress);
  line.Finish();
  std::fclose(out);
  return buffer;
}

TEST(ProgressLine, PrintsFastTextsFieldsWithRateEtaAndPercent) {
  text::TrainProgress progress;
  progress.tokens_done = 4'000'000;
  progress.epoch = 1;  // a quarter of 4 epochs
  progress.lr = 0.075;
  progress.loss = 1.25;
  progress.seconds = 100;  // so 300 s remain
  EXPECT_EQ(Render(Mode::kLog, progress),
            "Progress:  25.0% words/sec/thread:   20000 lr:  0.075000 avg.loss:  1.250000 "
            "ETA:   0h 5m 0s\n");
  EXPECT_THAT(Render(Mode::kTerminal, progress), MatchesRegex("\rProgress:  25.0% .*ETA:   0h 5m 0s\n"));
  EXPECT_EQ(Render(Mode::kOff, progress), "");
}

}  // namespace
}  // namespace rungs::cli
