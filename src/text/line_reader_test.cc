#include "text/line_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::TestPath;
using testing::WriteFile;

using ::testing::HasSubstr;

std::vector<std::string> AllLines(const std::string& path,
                                  size_t chunk_bytes = LineReader::kChunkBytes) {
  Result<LineReader> reader = LineReader::Open(path, chunk_bytes);
  EXPECT_TRUE(reader.ok()) << reader.message();
  std::vector<std::string> lines;
  while (true) {
    Result<std::optional<std::string_view>> line = reader->Next();
    EXPECT_TRUE(line.ok());
    if (!line.ok() || !line->has_value()) break;
    lines.emplace_back(**line);
    EXPECT_EQ(reader->line_number(), static_cast<int64_t>(lines.size()));
  }
  return lines;
}

TEST(LineReader, ReadsLinesLongerThanAChunkAcrossChunkBoundaries) {
  std::string long_line(LineReader::kChunkBytes + 12345, 'x');
  std::string bytes = "first\n" + long_line + "\nmiddle\r\n";
  for (int i = 0; i < 100000; ++i) bytes += "line " + std::to_string(i) + "\n";
  std::vector<std::string> lines = AllLines(WriteFile(TestPath("long_lines.txt"), bytes));
  ASSERT_EQ(lines.size(), 100003u);
  EXPECT_EQ(lines[0], "first");
  EXPECT_EQ(lines[1], long_line);
  EXPECT_EQ(lines[2], "middle\r");
  EXPECT_EQ(lines[100002], "line 99999");
}

TEST(LineReader, ReadsTheSameLinesInChunksOfAnySize) {
  std::string path = WriteFile(TestPath("small_chunks.txt"), "first line\n\nx\r\na longer last line");
  std::vector<std::string> whole = AllLines(path);
  ASSERT_EQ(whole.size(), 4u);
  for (size_t chunk : {3, 4, 5, 7, 11, 64}) EXPECT_EQ(AllLines(path, chunk), whole) << chunk;
}

TEST(LineReader, KeepsALastLineWithoutNewlineAndEmptyLines) {
  EXPECT_EQ(AllLines(WriteFile(TestPath("no_newline.txt"), "a\n\nb")),
            (std::vector<std::string>{"a", "", "b"}));
}

TEST(LineReader, PassesNulAndHighBytesThrough) {
  std::string bytes("a\0b\xff\n", 5);
  EXPECT_EQ(AllLines(WriteFile(TestPath("nul.txt"), bytes)), (std::vector<std::string>{bytes.substr(0, 4)}));
}

TEST(LineReader, SkipsAUtf8ByteOrderMarkOnlyWhenAsked) {
  std::string path = WriteFile(TestPath("bom.txt"), "\xEF\xBB\xBFhead\n");
  for (size_t chunk : {LineReader::kChunkBytes, size_t{3}}) {
    Result<LineReader> reader = LineReader::Open(path, chunk);
    ASSERT_TRUE(reader.ok());
    reader->SkipUtf8Bom();
    EXPECT_EQ(**reader->Next(), "head") << chunk;
  }
  EXPECT_EQ(AllLines(path)[0], "\xEF\xBB\xBFhead");
}

TEST(LineReader, Utf16TextIsAnErrorNamingTheEncoding) {
  for (std::string bom : {"\xFF\xFE", "\xFE\xFF"}) {
    std::string path = WriteFile(TestPath("utf16.txt"), bom + std::string("_\0_\0x\0\n\0", 8));
    Result<LineReader> reader = LineReader::Open(path);
    ASSERT_FALSE(reader.ok());
    EXPECT_THAT(reader.message(), HasSubstr(path));
    EXPECT_THAT(reader.message(), HasSubstr("is UTF-16 text"));
    EXPECT_THAT(reader.message(), HasSubstr("iconv -f UTF-16 -t UTF-8"));
  }
}

TEST(LineReader, MissingFileIsAnErrorNamingIt) {
  Result<LineReader> reader = LineReader::Open("/nonexistent/dir/train.txt");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.message(), HasSubstr("/nonexistent/dir/train.txt"));
  EXPECT_THAT(reader.message(), HasSubstr("No such file"));
}

TEST(LineReader, DirectoryIsAnError) {
  Result<LineReader> reader = LineReader::Open(::testing::TempDir());
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.message(), HasSubstr("is a directory"));
}

TEST(LineReader, EmptyFileIsAnError) {
  Result<LineReader> reader = LineReader::Open(WriteFile(TestPath("empty.txt"), ""));
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.message(), HasSubstr("is empty"));
}

TEST(LineReader, UnreadableFileIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  std::string path = WriteFile(TestPath("unreadable.txt"), "a\n");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  Result<LineReader> reader = LineReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.message(), HasSubstr("Permission denied"));
}

TEST(LineReader, ReadErrorIsAnErrorNamingTheFile) {
  // Opens fine, but reading from offset 0 of a process's memory fails (EIO).
  Result<LineReader> reader = LineReader::Open("/proc/self/mem");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.message(), HasSubstr("cannot read '/proc/self/mem'"));
}

}  // namespace
}  // namespace rungs::text
