#include "emulate/instance_process.h"
#include "testing/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

namespace rungs::emulate {
namespace {

namespace fs = std::filesystem;

// Reads the log until the pipe closes, which happens once every process
// holding it has ended; gives up after about a minute.
std::string ReadToEnd(InstanceProcess& process, bool* ended) {
  std::string log;
  *ended = false;
  for (int i = 0; i < 1200 && !*ended; ++i) {
    log += process.ReadLog(std::chrono::milliseconds(50), ended);
  }
  return log;
}

TEST(IsExecutable, FindsProgramsByPathOrOnPath) {
  EXPECT_TRUE(IsExecutable("sh"));
  EXPECT_TRUE(IsExecutable("/bin/sh"));
  EXPECT_FALSE(IsExecutable("/no/such/program"));
  EXPECT_FALSE(IsExecutable("no-such-program-of-rungs"));
  fs::path plain = testing::FreshDir() / "not_executable";
  std::ofstream(plain) << "#!/bin/sh\n";
  fs::permissions(plain, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(IsExecutable(plain.string()));
  fs::remove(plain);
}

TEST(InstanceProcess, CollectsTheLogAndTheExitStatus) {
  auto process = InstanceProcess::Spawn({"sh", "-c", "echo out; echo err >&2; exit 3"},
                                        {"PATH=/usr/bin:/bin"}, fs::temp_directory_path());
  ASSERT_TRUE(process.ok()) << process.message();
  bool ended = false;
  EXPECT_EQ(ReadToEnd(**process, &ended), "out\nerr\n");
  EXPECT_TRUE(ended);
  int status = (*process)->WaitExit();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_EQ((*process)->Exited(), status);  // not reaped yet: still reported
}

TEST(InstanceProcess, GetsExactlyItsEnvironmentAndWorkingDirectory) {
  fs::path dir = fs::canonical(fs::temp_directory_path());
  auto process = InstanceProcess::Spawn({"/bin/sh", "-c", "echo \"$ONLY $HOME\"; pwd"},
                                        {"ONLY=this"}, dir);
  ASSERT_TRUE(process.ok()) << process.message();
  bool ended = false;
  EXPECT_EQ(ReadToEnd(**process, &ended), "this \n" + dir.string() + "\n");
}

TEST(InstanceProcess, KillEndsTheWholeGroup) {
  // The shell starts a sleep that also holds the log pipe: the pipe closes
  // only once both have ended.
  auto process = InstanceProcess::Spawn({"sh", "-c", "sleep 600 & echo started; wait"},
                                        {"PATH=/usr/bin:/bin"}, fs::temp_directory_path());
  ASSERT_TRUE(process.ok()) << process.message();
  bool ended = false;
  std::string log;
  for (int i = 0; i < 1200 && log.find("started\n") == std::string::npos && !ended; ++i) {
    log += (*process)->ReadLog(std::chrono::milliseconds(50), &ended);
  }
  ASSERT_EQ(log, "started\n");
  (*process)->Kill();
  EXPECT_EQ(ReadToEnd(**process, &ended), "");
  EXPECT_TRUE(ended);
  int status = (*process)->WaitExit();
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(InstanceProcess, AProgramThatCannotStartIsNamed) {
  auto process = InstanceProcess::Spawn({"/no/such/program"}, {}, fs::temp_directory_path());
  ASSERT_FALSE(process.ok());
  EXPECT_NE(process.message().find("'/no/such/program'"), std::string::npos) << process.message();
}

}  // namespace
}  // namespace rungs::emulate
