#include "base/atomic_file.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rungs_atomic_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }
  // Only the named files are in the folder (no temporary file left).
  size_t Entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, ReplacesTheWholeFileAndLeavesNoTemporary) {
  ASSERT_TRUE(WriteFileAtomically(Path("out.txt"), "old\n").ok());
  const std::string big(300000, 'x');  // larger than the buffer
  Status written = WriteFileAtomically(Path("out.txt"), big + "end");
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_EQ(Read(Path("out.txt")), big + "end");
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(AtomicFileTest, NothingAppearsUnlessCommitted) {
  {
    Result<AtomicFile> file = AtomicFile::Create(Path("never.txt"));
    ASSERT_TRUE(file.ok()) << file.message();
    file->Write("abandoned");
  }
  EXPECT_FALSE(fs::exists(Path("never.txt")));
  EXPECT_EQ(Entries(), 0u);
}

TEST_F(AtomicFileTest, NamesAFolderItCannotWriteIn) {
  Status written = WriteFileAtomically(Path("missing/out.txt"), "x");
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.message(), HasSubstr("cannot write " + Path("missing/out.txt")));
}

// A real kernel limit in a child process: RLIMIT_FSIZE makes write() fail
// with EFBIG as a full disk makes it fail with ENOSPC. The old file stays,
// and the message names the file and the bytes it needed.
TEST_F(AtomicFileTest, AFullDiskKeepsTheOldFileAndSaysWhatWasNeeded) {
  ASSERT_TRUE(WriteFileAtomically(Path("report.html"), "the good report\n").ok());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);  // fail the write instead of killing the process
    rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    Status written = WriteFileAtomically(Path("report.html"), std::string(100000, 'r'));
    std::string message = written.ok() ? "OK" : written.message();
    (void)!::write(pipe_fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char chunk[256];
  for (ssize_t n; (n = ::read(pipe_fds[0], chunk, sizeof chunk)) > 0;) message.append(chunk, size_t(n));
  ::close(pipe_fds[0]);
  ::waitpid(child, nullptr, 0);
  EXPECT_THAT(message, HasSubstr("cannot write " + Path("report.html") + ": "));
  EXPECT_THAT(message, HasSubstr("100000 bytes needed"));
  EXPECT_THAT(message, HasSubstr("free on its file system"));
  EXPECT_EQ(Read(Path("report.html")), "the good report\n");
  EXPECT_EQ(Entries(), 1u) << "the temporary file is removed";
}

}  // namespace
}  // namespace rungs
