#include "package/shared_libraries.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rungs::package {
namespace {

using ::testing::HasSubstr;

constexpr char kLdd[] =
    "\tlinux-vdso.so.1 (0x00007ffd2b1f4000)\n"
    "\tlibcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x00007f0a1c000000)\n"
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0a1be00000)\n"
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f0a1c3a0000)\n";

TEST(ParseLddOutputTest, ListsLibrariesAndTheLoaderButNotTheVdso) {
  auto found = ParseLddOutput(kLdd, "rungs");
  ASSERT_TRUE(found.ok()) << found.message();
  EXPECT_EQ(found->loader, "/lib64/ld-linux-x86-64.so.2");
  ASSERT_EQ(found->libraries.size(), 2u);
  EXPECT_EQ(found->libraries[0].soname, "libcurl.so.4");
  EXPECT_EQ(found->libraries[0].file, "/lib/x86_64-linux-gnu/libcurl.so.4");
  EXPECT_EQ(found->libraries[1].soname, "libc.so.6");
}

TEST(ParseLddOutputTest, RefusesMissingLibrariesNamingEveryOne) {
  std::string output = std::string(kLdd) + "\tlibfoo.so.1 => not found\n\tlibbar.so.2 => not found\n";
  auto found = ParseLddOutput(output, "rungs");
  ASSERT_FALSE(found.ok());
  EXPECT_THAT(found.message(), HasSubstr("rungs needs shared libraries"));
  EXPECT_THAT(found.message(), HasSubstr("libfoo.so.1, libbar.so.2"));
  EXPECT_THAT(found.message(), HasSubstr("not found"));
}

TEST(ParseLddOutputTest, RefusesOutputWithoutALoader) {
  auto found = ParseLddOutput("\tstatically linked\n", "rungs");
  ASSERT_FALSE(found.ok());
  EXPECT_THAT(found.message(), HasSubstr("unexpected line 'statically linked'"));
  found = ParseLddOutput("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n", "rungs");
  ASSERT_FALSE(found.ok());
  EXPECT_THAT(found.message(), HasSubstr("names no dynamic loader"));
}

TEST(ParseLddOutputTest, RefusesATargetThatIsNoPath) {
  auto found = ParseLddOutput("\tlibc.so.6 => ??? (0x1)\n", "rungs");
  ASSERT_FALSE(found.ok());
  EXPECT_THAT(found.message(), HasSubstr("unexpected line 'libc.so.6 => ??? (0x1)'"));
}

TEST(ListSharedLibrariesTest, ListsWhatTheShellLoads) {
  auto found = ListSharedLibraries("/bin/sh");
  ASSERT_TRUE(found.ok()) << found.message();
  EXPECT_TRUE(found->loader.is_absolute());
  bool has_libc = false;
  for (const SharedLibrary& library : found->libraries) {
    has_libc |= library.soname == "libc.so.6";
    EXPECT_TRUE(std::filesystem::exists(library.file)) << library.file;
  }
  EXPECT_TRUE(has_libc);
}

TEST(ListSharedLibrariesTest, RefusesAFileThatIsNoProgram) {
  auto found = ListSharedLibraries(RUNGS_SOURCE_DIR "/README.md");
  ASSERT_FALSE(found.ok());
  EXPECT_THAT(found.message(), HasSubstr("ldd " RUNGS_SOURCE_DIR "/README.md exited with status 1"));
  EXPECT_THAT(found.message(), HasSubstr("not a dynamic executable"));
}

}  // namespace
}  // namespace rungs::package
