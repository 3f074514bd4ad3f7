#include "fetch/download_progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

namespace rungs::fetch {
namespace {

std::string Contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  int c;
  while ((c = std::fgetc(file)) != EOF) text += static_cast<char>(c);
  return text;
}

TEST(FormatProgress, ShowsBytesPercentAndRate) {
  EXPECT_EQ(FormatProgress("a.tar.gz", 6'200'000, 14'500'000, 2.0),
            "rungs: a.tar.gz  6.2 MB / 14.5 MB   42%  3.1 MB/s");
}

TEST(FormatProgress, OmitsPercentWhenTotalUnknown) {
  EXPECT_EQ(FormatProgress("x", 512, 0, 0.5), "rungs: x  512 B  1.0 kB/s");
}

TEST(DownloadProgress, ForcedIntoAFilePrintsTheFinalState) {
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::tmpfile(), &std::fclose);
  DownloadProgress progress(ProgressMode::kAlways, file.get(), "f.csv");
  EXPECT_TRUE(progress.enabled());
  progress.Update(10, 100);
  progress.Update(100, 100);
  progress.Finish();
  std::string text = Contents(file.get());
  EXPECT_THAT(text, ::testing::HasSubstr("f.csv  100 B / 100 B  100%"));
  EXPECT_EQ(text.find('\r'), std::string::npos);  // Log lines, not terminal rewrites.
}

TEST(DownloadProgress, SilentWhenNotATerminalOrSuppressed) {
  for (ProgressMode mode : {ProgressMode::kAuto, ProgressMode::kNever}) {
    std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::tmpfile(), &std::fclose);
    DownloadProgress progress(mode, file.get(), "f.csv");
    EXPECT_FALSE(progress.enabled());
    progress.Update(100, 100);
    progress.Finish();
    EXPECT_EQ(Contents(file.get()), "");
  }
}

}  // namespace
}  // namespace rungs::fetch
