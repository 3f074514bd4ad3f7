#include "proc/child_process.h"
#include "testing/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace rungs::proc {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class ChildProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
  }

  std::unique_ptr<ChildProcess> Start(const std::string& shell_code) {
    auto child = ChildProcess::Spawn({"/bin/sh", "-c", shell_code}, dir_ / "err");
    EXPECT_TRUE(child.ok()) << child.message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Every stdout line until the stream ends.
  static std::vector<std::string> AllLines(ChildProcess& child) {
    std::vector<std::string> all;
    while (child.stdout_open()) {
      for (std::string& line : child.ReadLines(std::chrono::milliseconds(100))) {
        all.push_back(std::move(line));
      }
    }
    return all;
  }

  fs::path dir_;
};

TEST_F(ChildProcessTest, SplitsStdoutIntoLinesKeepingAnUnterminatedLast) {
  auto child = Start("printf 'a\\nb\\r\\n\\nlast'");
  ASSERT_TRUE(child);
  EXPECT_THAT(AllLines(*child), ElementsAre("a", "b\r", "", "last"));
  ExitStatus exit = child->Stop(std::chrono::milliseconds(1000));
  EXPECT_EQ(exit.code, 0);
}

TEST_F(ChildProcessTest, CutsOverlongLines) {
  auto child = Start("head -c 140000 /dev/zero | tr '\\0' x; echo; echo tail");
  ASSERT_TRUE(child);
  std::vector<std::string> lines = AllLines(*child);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].size(), ChildProcess::kMaxLine);
  EXPECT_EQ(lines[1].size(), ChildProcess::kMaxLine);
  EXPECT_EQ(lines[2].size(), 140000 - 2 * ChildProcess::kMaxLine);
  EXPECT_EQ(lines[3], "tail");
}

TEST_F(ChildProcessTest, ReportsExitStatusOnceEnded) {
  auto child = Start("exit 7");
  ASSERT_TRUE(child);
  std::optional<ExitStatus> exit;
  for (int i = 0; i < 400 && !exit; ++i) {
    child->ReadLines(std::chrono::milliseconds(10));
    exit = child->TryReap();
  }
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 7);
  EXPECT_EQ(exit->Describe(), "exited with status 7");
  EXPECT_EQ(child->Stop(std::chrono::milliseconds(0)).code, 7);  // already over: same status
}

TEST_F(ChildProcessTest, StopEndsAProgramThatHonoursSigterm) {
  auto child = Start("echo up; exec sleep 1000");
  ASSERT_TRUE(child);
  EXPECT_THAT(child->ReadLines(std::chrono::milliseconds(5000)), ElementsAre("up"));
  ExitStatus exit = child->Stop(std::chrono::milliseconds(5000));
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_EQ(exit.Describe(), "was killed by signal 15 (SIGTERM)");
}

TEST_F(ChildProcessTest, StderrGoesToItsFile) {
  auto child = Start("echo one >&2; echo two >&2");
  ASSERT_TRUE(child);
  AllLines(*child);
  child->Stop(std::chrono::milliseconds(1000));
  EXPECT_EQ(FileTail(dir_ / "err", 100), "one\ntwo");
}

TEST_F(ChildProcessTest, WorksWhenThisProcessHasNoStdin) {
  int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ::close(STDIN_FILENO);  // the next descriptors opened would land on 0
  auto child = Start("echo out; echo err >&2");
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_TRUE(child);
  EXPECT_THAT(AllLines(*child), ElementsAre("out"));
  child->Stop(std::chrono::milliseconds(1000));
  EXPECT_EQ(FileTail(dir_ / "err", 100), "err");
}

TEST_F(ChildProcessTest, SpawnFailsOnAnUncreatableStderrFile) {
  auto child = ChildProcess::Spawn({"/bin/true"}, dir_ / "missing" / "err");
  ASSERT_FALSE(child.ok());
  EXPECT_THAT(child.message(), ::testing::HasSubstr("for the program's stderr"));
}

TEST_F(ChildProcessTest, AProgramPrintingFasterThanItIsReadDoesNotHoldTheReader) {
  // `yes` writes far faster than lines are split here: each call must come
  // back with a bounded share, not read on for as long as the flood lasts.
  auto child = ChildProcess::Spawn({"/usr/bin/yes"}, dir_ / "err");
  ASSERT_TRUE(child.ok()) << child.message();
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> lines = (*child)->ReadLines(std::chrono::milliseconds(100));
    EXPECT_LE(lines.size(), ChildProcess::kMaxReadBytes / 2);  // "y\n" each
  }
  (*child)->Stop(std::chrono::milliseconds(100));
}

TEST_F(ChildProcessTest, ReadsAnswersToWhatWasSent) {
  auto child = ChildProcess::Spawn({"/bin/cat"}, dir_ / "err", Stdin::kPipe);
  ASSERT_TRUE(child.ok()) << child.message();
  ASSERT_TRUE((*child)->Send("one\ntwo\n").ok());
  std::vector<std::string> lines;
  for (int i = 0; i < 100 && lines.size() < 2; ++i) {
    for (std::string& line : (*child)->ReadLines(std::chrono::milliseconds(100))) {
      lines.push_back(std::move(line));
    }
  }
  EXPECT_THAT(lines, ElementsAre("one", "two"));
}

// More input than both pipes hold, echoed back: sending and reading must
// interleave, or the program and this process would wait on each other.
TEST_F(ChildProcessTest, SendsMoreThanAPipeHoldsWhileReadingTheAnswers) {
  auto child = ChildProcess::Spawn({"/bin/cat"}, dir_ / "err", Stdin::kPipe);
  ASSERT_TRUE(child.ok()) << child.message();
  const std::string line(999, 'x');
  const size_t count = 2000;  // about 2 MB
  for (size_t i = 0; i < count; ++i) ASSERT_TRUE((*child)->Send(line + "\n").ok());
  size_t got = 0;
  for (int i = 0; i < 2000 && got < count; ++i) {
    for (const std::string& l : (*child)->ReadLines(std::chrono::milliseconds(100))) {
      ASSERT_EQ(l, line);
      ++got;
    }
  }
  EXPECT_EQ(got, count);
}

TEST_F(ChildProcessTest, SendFailsOnceTheProgramStoppedReading) {
  // The program closes its stdin, says so, and lives on.
  auto child = ChildProcess::Spawn({"/bin/sh", "-c", "exec 0<&-; echo closed; exec sleep 1000"},
                                   dir_ / "err", Stdin::kPipe);
  ASSERT_TRUE(child.ok()) << child.message();
  EXPECT_THAT((*child)->ReadLines(std::chrono::milliseconds(5000)), ElementsAre("closed"));
  ASSERT_TRUE((*child)->Send(std::string(100000, 'x')).ok());
  for (int i = 0; i < 100 && (*child)->stdin_open(); ++i) {
    (*child)->ReadLines(std::chrono::milliseconds(50));
  }
  // This process got the write error instead of dying of SIGPIPE.
  EXPECT_FALSE((*child)->stdin_open());
  Status again = (*child)->Send("more\n");
  EXPECT_FALSE(again.ok());
  EXPECT_THAT(again.message(), ::testing::HasSubstr("does not read its stdin"));
}

TEST_F(ChildProcessTest, SendNeedsAStdinPipe) {
  auto child = Start("exec sleep 1000");
  ASSERT_TRUE(child);
  EXPECT_FALSE(child->stdin_open());
  EXPECT_FALSE(child->Send("x\n").ok());
}

TEST(FileTail, KeepsWholeLinesFromTheEnd) {
  fs::path path = testing::FreshDir() / "tail";
  std::ofstream(path) << "first line\nsecond line\nthird\n\n";
  EXPECT_EQ(FileTail(path, 1000), "first line\nsecond line\nthird");
  EXPECT_EQ(FileTail(path, 15), "third");  // the cut end of the second line is dropped
  EXPECT_EQ(FileTail(path.string() + ".none", 100), "");
}

}  // namespace
}  // namespace rungs::proc
