// The rungs trailer of a .bin (doc/fasttext-bin.md): it records the model's
// preprocessing, fastText 0.9.2 loads the file as if it were not there, and
// anything else after the output matrix is refused by name.
#include "text/model_trailer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>

#include "text/fasttext_bin.h"
#include "text/trainer.h"
#include "testing/run_program.h"
#include "testing/synthetic_corpus.h"
#include "testing/temp_dir.h"

namespace rungs::text {
namespace {

using testing::BuildCorpus;
using testing::FreshDir;
using testing::MakeExamples;
using testing::RunCommand;
using testing::WriteFastTextFile;


std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

// A trailer written by hand from the documented layout.
std::string Trailer(int32_t version, const std::string& record) {
  std::string bytes = "RUNGSTRL";
  auto put = [&](int32_t v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(version);
  put(static_cast<int32_t>(record.size()));
  return bytes + record;
}

class ModelTrailer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDir();
    TrainArgs args;
    args.dim = 8;
    args.thread = 1;
    args.epoch = 2;
    args.lr = 0.5;
    auto data = BuildCorpus(MakeExamples(200, 3, 5))->Encode(args.dict);
    ASSERT_TRUE(data.ok());
    auto checkpoint = StartTraining(**data, args);
    ASSERT_TRUE(checkpoint.ok());
    ASSERT_TRUE(Train(**data, LrSchedule::FastText(args), args.epoch, *checkpoint).ok());
    model_.emplace(checkpoint->model);
    ASSERT_TRUE(SaveFastTextBin(*model_, Preprocessing{}, Path("plain.bin")).ok());
    const std::string bytes = ReadBytes(Path("plain.bin"));
    const size_t trailer = bytes.rfind("RUNGSTRL");
    ASSERT_NE(trailer, std::string::npos);
    fasttext_part_ = bytes.substr(0, trailer);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // The model's fastText part followed by `tail`, loaded back.
  Result<ModelFile> LoadWithTail(const std::string& tail) {
    WriteBytes(Path("tail.bin"), fasttext_part_ + tail);
    return LoadFastTextBin(Path("tail.bin"));
  }

  std::string dir_;
  std::optional<Model> model_;
  std::string fasttext_part_;  // everything before the trailer
};

TEST_F(ModelTrailer, RecordsThePreprocessingItWasGiven) {
  for (bool normalize : {false, true}) {
    const Preprocessing given{.normalize = normalize};
    ASSERT_TRUE(SaveFastTextBin(*model_, given, Path("m.bin")).ok());
    auto loaded = LoadFastTextBin(Path("m.bin"));
    ASSERT_TRUE(loaded.ok()) << loaded.message();
    EXPECT_EQ(loaded->preprocessing, given) << "normalize " << normalize;
    // The fastText part is the same whatever the trailer says.
    EXPECT_EQ(ReadBytes(Path("m.bin")).substr(0, fasttext_part_.size()), fasttext_part_);
  }
  // The record as documented.
  EXPECT_EQ(ReadBytes(Path("m.bin")).substr(fasttext_part_.size()),
            Trailer(1, R"({"preprocessing":["normalize"]})"));
}

TEST_F(ModelTrailer, AFileWithoutATrailerRecordsNothing) {
  auto loaded = LoadWithTail("");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ(loaded->preprocessing, std::nullopt);
}

TEST_F(ModelTrailer, KeysBesideTheStepsAreLeftToLaterVersions) {
  auto loaded = LoadWithTail(Trailer(1, R"({"note":"tuned","preprocessing":["normalize"]})"));
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ(loaded->preprocessing, Preprocessing{.normalize = true});
}

TEST_F(ModelTrailer, RefusesWhatIsNotAValidTrailerNamingTheField) {
  const struct {
    std::string tail;
    std::string expected;
  } cases[] = {
      {"garbage after the model", "not a rungs trailer"},
      {"RUNGS", "truncated"},
      {Trailer(2, R"({"preprocessing":[]})"), "trailer version 2"},
      {Trailer(1, R"({"preprocessing":["stem"]})"), "\"stem\" is unknown"},
      {Trailer(1, R"({"preprocessing":["normalize","normalize"]})"), "\"normalize\" is unknown"},
      {Trailer(1, R"({"steps":[]})"), "no \"preprocessing\" list"},
      {Trailer(1, R"(["normalize"])"), "not a JSON object"},
      {Trailer(1, R"({"preprocessing":[]})").substr(0, 20), "truncated"},
      {Trailer(1, R"({"preprocessing":[]})") + "x", "1 bytes follow the rungs trailer"},
  };
  for (const auto& c : cases) {
    auto loaded = LoadWithTail(c.tail);
    ASSERT_FALSE(loaded.ok()) << c.tail;
    EXPECT_NE(loaded.message().find(c.expected), std::string::npos) << loaded.message();
    EXPECT_NE(loaded.message().find("tail.bin"), std::string::npos) << loaded.message();
    EXPECT_NE(loaded.message().find("(field '"), std::string::npos) << loaded.message();
  }
}

// fastText 0.9.2 reads the fields it needs and stops: the command line and
// the Python binding load a file with a trailer and predict what they predict
// without it.
TEST_F(ModelTrailer, FastTextLoadsAFileWithATrailerAsIfItWereNotThere) {
  if (!testing::HaveFastText()) GTEST_SKIP() << "/usr/bin/fasttext not installed";
  ASSERT_TRUE(SaveFastTextBin(*model_, Preprocessing{.normalize = true}, Path("with.bin")).ok());
  WriteBytes(Path("without.bin"), fasttext_part_);
  WriteFastTextFile(MakeExamples(100, 3, 6), Path("test.txt"));
  int status = 0;
  for (const char* command : {"predict-prob", "test"}) {
    const std::string with =
        RunCommand(std::string("/usr/bin/fasttext ") + command + " " + Path("with.bin") + " " + Path("test.txt"), status);
    ASSERT_EQ(status, 0) << with;
    const std::string without =
        RunCommand(std::string("/usr/bin/fasttext ") + command + " " + Path("without.bin") + " " + Path("test.txt"), status);
    EXPECT_FALSE(with.empty());
    EXPECT_EQ(with, without) << command;
  }
  const std::string python = "import fasttext, sys\n"
                             "print(fasttext.load_model(sys.argv[1]).test(sys.argv[2]))\n";
  WriteBytes(Path("probe.py"), python);
  const std::string with = RunCommand("/usr/bin/python3 " + Path("probe.py") + " " + Path("with.bin") +
                                          " " + Path("test.txt") + " 2>/dev/null",
                                      status);
  if (status != 0) GTEST_SKIP() << "python3 fasttext module not available";
  EXPECT_EQ(with, RunCommand("/usr/bin/python3 " + Path("probe.py") + " " + Path("without.bin") + " " +
                                 Path("test.txt") + " 2>/dev/null",
                             status));
  EXPECT_EQ(with.rfind("(100, ", 0), 0u) << with;
}

}  // namespace
}  // namespace rungs::text
