#include "tune/experiment_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "testing/files.h"
#include "testing/temp_dir.h"

namespace rungs::tune {
namespace {

namespace fs = std::filesystem;

// A kill -9 while best.bin was written left best.bin.tmp.PID, as large as
// the model (700 MB on 20 Newsgroups), and no later run removed it.
TEST(ExperimentLock, TakingAFolderRemovesTheTemporariesOfDeadWriters) {
  const fs::path dir = testing::FreshDir();
  const std::string stale = testing::WriteFile(dir / "best.bin.tmp.2147483647", "half a model");
  const std::string live =
      testing::WriteFile(dir / ("report.html.tmp." + std::to_string(::getpid())), "being written");
  const std::string other = testing::WriteFile(dir / "notes.tmp.txt", "not a temporary of ours");
  const std::string users = testing::WriteFile(dir / "notes.txt.tmp.2147483647", "the user's");
  Result<ExperimentLock> lock = ExperimentLock::Take(dir.string());
  ASSERT_TRUE(lock.ok()) << lock.message();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live)) << "its writer is alive";
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(users)) << "not a file a run writes";
}

// A corpus of gigabytes is fingerprinted by its ends only; an edit between
// them that keeps the size still changes the modification time.
TEST(DataFiles, EachChangeIsNamedWithTheFlagTheFileAndWhatChanged) {
  using ::testing::HasSubstr;
  const fs::path dir = testing::FreshDir();
  std::string text(300 << 10, 'a');
  const std::string path = testing::WriteFile(dir / "train.txt", text);
  TuneSpec spec;
  spec.train = path;
  spec.valid = "https://example.com/valid.txt";  // no copy downloaded: nothing to record
  const Result<std::vector<DataFile>> was = FindDataFiles(spec, spec);
  ASSERT_TRUE(was.ok()) << was.message();
  ASSERT_EQ(was->size(), 1u);
  EXPECT_EQ((*was)[0].flag, "--train");
  EXPECT_EQ((*was)[0].bytes, 300 << 10);
  EXPECT_TRUE(CheckUnchanged(*was, *was).ok());
  auto change = [&](const std::string& bytes, fs::file_time_type time) {
    testing::WriteFile(path, bytes);
    fs::last_write_time(path, time);
    Result<std::vector<DataFile>> now = FindDataFiles(spec, spec);
    return now.ok() ? CheckUnchanged(*was, *now).message() : now.message();
  };
  const fs::file_time_type then = fs::last_write_time(path);
  const fs::file_time_type later = then + std::chrono::seconds(1);
  const std::string changed = "--train " + path + " changed since the run started (";

  text[150 << 10] = 'b';
  EXPECT_THAT(change(text, then), ::testing::IsEmpty()) << "the middle is not read";
  EXPECT_THAT(change(text, later), HasSubstr(changed + "same size and ends, but modified at "));
  EXPECT_THAT(change(text, later), HasSubstr("if its content is the same, `touch -d @"));
  text.back() = 'c';
  EXPECT_THAT(change(text, then),
              HasSubstr(changed + "same size, but its first or last 64 KB differ)"));
  EXPECT_THAT(change(text + "more", then), HasSubstr(changed + "size 307200 -> 307204 bytes)"));
  fs::remove(path);
  EXPECT_THAT(change("", then), HasSubstr(changed + "size 307200 -> 0 bytes)"));
  fs::remove(path);
  EXPECT_EQ(FindDataFiles(spec, spec).message(), "--train " + path + ": no such file");
}

// A URL's copy went unrecorded, so a resume whose download brought other
// bytes (a cleared cache, an S3 object written again) trained on them
// without a word. A download of the same bytes is no change, although the
// copy's time is new; the URL's secrets are not recorded.
TEST(DataFiles, AUrlIsRecordedByTheBytesOfItsDownloadedCopy) {
  const fs::path dir = testing::FreshDir();
  TuneSpec given;
  given.train = "https://alice:hunter2@example.com/train.txt";
  TuneSpec local = given;  // as tune::WithLocalData fetches it
  local.train = testing::WriteFile(dir / "copy.txt", "__label__a b\n");
  Result<std::vector<DataFile>> was = FindDataFiles(given, local);
  ASSERT_TRUE(was.ok()) << was.message();
  ASSERT_EQ(was->size(), 1u);
  EXPECT_EQ((*was)[0].path, "https://REDACTED@example.com/train.txt");
  EXPECT_EQ((*was)[0].modified_ns, 0);

  fs::remove(local.train);
  local.train = testing::WriteFile(dir / "copy-again.txt", "__label__a b\n");
  fs::last_write_time(local.train, fs::last_write_time(local.train) + std::chrono::hours(1));
  Result<std::vector<DataFile>> same = FindDataFiles(given, local);
  ASSERT_TRUE(same.ok()) << same.message();
  EXPECT_TRUE(CheckUnchanged(*was, *same).ok()) << CheckUnchanged(*was, *same).message();

  testing::WriteFile(local.train, "__label__b a\n__label__a b\n");
  Result<std::vector<DataFile>> other = FindDataFiles(given, local);
  ASSERT_TRUE(other.ok()) << other.message();
  EXPECT_THAT(CheckUnchanged(*was, *other).message(),
              ::testing::HasSubstr("--train https://REDACTED@example.com/train.txt changed since "
                                   "the run started (size 13 -> 26 bytes)"));
  EXPECT_TRUE(FindRecordedFiles(*was)->empty()) << "only a download tells";
}

// A --dataset's files went unrecorded, so --resume read an edited one
// without a word.
TEST(DataFiles, TheFilesOfADatasetAreRecordedUnderTheirRole) {
  const fs::path dir = testing::FreshDir();
  TuneSpec given;
  given.dataset = "20newsgroups";
  given.valid = "https://example.com/valid.txt";
  TuneSpec local = given;  // as tune::WithLocalData resolves it
  local.train = testing::WriteFile(dir / "train.csv", "label,text\na,b\n");
  local.test = testing::WriteFile(dir / "test.csv", "label,text\nb,a\n");
  local.valid = testing::WriteFile(dir / "cached-valid.txt", "__label__a b\n");
  Result<std::vector<DataFile>> found = FindDataFiles(given, local);
  ASSERT_TRUE(found.ok()) << found.message();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].flag, "--train");
  EXPECT_EQ((*found)[0].path, local.train);
  EXPECT_EQ((*found)[1].flag, "--valid");
  EXPECT_EQ((*found)[1].path, given.valid) << "a URL's copy is recorded under the URL";
  EXPECT_EQ((*found)[2].flag, "--test");
  EXPECT_EQ((*found)[2].path, local.test);

  testing::WriteFile(local.test, "label,text\nb,a\nc,d\n");
  Result<std::vector<DataFile>> again = FindDataFiles(given, local);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_THAT(CheckUnchanged(*found, *again).message(),
              ::testing::HasSubstr("--test " + local.test + " changed since the run started"));
}

TEST(DataFiles, TheRecordReadsBackAndAFolderWithoutOneHasNone) {
  const fs::path dir = testing::FreshDir();
  Result<std::optional<std::vector<DataFile>>> none = ReadDataFiles(dir.string());
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_FALSE(*none) << "made before rungs recorded data files";

  const std::vector<DataFile> files = {{"--train", "/d/train.txt", 12, 1764990174123456789, "ab"},
                                       {"--test", "/d/test.txt", 0, 5, "cd"}};
  testing::WriteFile(dir / "data-files.json", DataFilesToJson(files).dump());
  Result<std::optional<std::vector<DataFile>>> read = ReadDataFiles(dir.string());
  ASSERT_TRUE(read.ok()) << read.message();
  ASSERT_TRUE(*read);
  EXPECT_EQ(DataFilesToJson(**read), DataFilesToJson(files));

  nlohmann::json damaged = DataFilesToJson(files);
  damaged["files"][1]["bytes"] = "12";
  testing::WriteFile(dir / "data-files.json", damaged.dump());
  EXPECT_THAT(ReadDataFiles(dir.string()).message(),
              ::testing::HasSubstr("data-files.json: files[1].bytes must be an integer"));
}

}  // namespace
}  // namespace rungs::tune
