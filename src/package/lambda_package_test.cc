// Packages the built rungs binary, unzips it as Lambda would and runs it with
// an empty environment through the shipped loader, to show that nothing the
// program loads comes from the host.
#include "package/lambda_package.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <sstream>

#include "cli/run_rungs_testing.h"

namespace rungs::package {
namespace {

namespace fs = std::filesystem;
using cli::ReadWholeFile;
using cli::RunProgram;
using ::testing::HasSubstr;

// A folder of the test's own under the temp folder, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("rungs_package_" + std::to_string(::getpid()) + "_" + name)) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

PackageOptions OptionsIn(const fs::path& dir) {
  cli::WriteWholeFile(dir / "train.csv", "label,text\nspam,buy now\n");
  PackageOptions options;
  options.program = RUNGS_BINARY;
  options.out = dir / "rungs-lambda.zip";
  options.includes = {dir / "train.csv"};
  return options;
}

int Mode(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return static_cast<int>(st.st_mode & 07777);
}

bool SameBytes(const fs::path& a, const fs::path& b) {
  return fs::exists(a) && ReadWholeFile(a) == ReadWholeFile(b);
}

// Packages the built rungs once for the suite (the zip is tens of MB) and
// unzips it with Debian's unzip into task/, as Lambda does.
class ShippedPackageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("shipped");
    summary_ = new Result<PackageSummary>(PackageForLambda(OptionsIn(dir_->path())));
    if (!summary_->ok()) return;
    cli::RunResult unzip = RunProgram(
        "/usr/bin/unzip", {"-q", (dir_->path() / "rungs-lambda.zip").string(), "-d", task().string()});
    unzipped_ = unzip.exit_code == 0;
    if (!unzipped_) std::fprintf(stderr, "unzip failed: %s\n", unzip.err.c_str());
  }
  static void TearDownTestSuite() {
    delete summary_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_TRUE(summary_->ok()) << summary_->message();
    ASSERT_TRUE(unzipped_);
  }
  static fs::path task() { return dir_->path() / "task"; }

  static TempDir* dir_;
  static Result<PackageSummary>* summary_;
  static bool unzipped_;
};
TempDir* ShippedPackageTest::dir_ = nullptr;
Result<PackageSummary>* ShippedPackageTest::summary_ = nullptr;
bool ShippedPackageTest::unzipped_ = false;

TEST_F(ShippedPackageTest, HoldsBootstrapProgramLoaderLibcCertsAndData) {
  const PackageSummary& summary = **summary_;
  ASSERT_GE(summary.files.size(), 6u);
  EXPECT_EQ(summary.files[0].name, "bootstrap");
  EXPECT_EQ(summary.files[1].name, "bin/rungs");
  EXPECT_EQ(summary.files.back().name, "data/train.csv");
  EXPECT_EQ(summary.zip_bytes, fs::file_size(dir_->path() / "rungs-lambda.zip"));
  EXPECT_LT(summary.zip_bytes, summary.unzipped_bytes);  // deflated

  EXPECT_EQ(Mode(task() / "bootstrap"), 0755);
  EXPECT_EQ(Mode(task() / "bin/rungs"), 0755);
  EXPECT_EQ(Mode(task() / "lib/ld-linux-x86-64.so.2"), 0755);
  EXPECT_EQ(Mode(task() / "lib/libc.so.6"), 0644);
  EXPECT_TRUE(SameBytes(task() / "bin/rungs", RUNGS_BINARY));
  EXPECT_TRUE(SameBytes(task() / "lib/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"));
  EXPECT_TRUE(SameBytes(task() / "certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt"));
  EXPECT_EQ(ReadWholeFile(task() / "data/train.csv"), "label,text\nspam,buy now\n");
  EXPECT_EQ(ReadWholeFile(task() / "bootstrap"), BootstrapScript("ld-linux-x86-64.so.2"));
  for (const char* library : {"libstdc++.so.6", "libcurl.so.4", "libm.so.6"}) {
    EXPECT_TRUE(fs::exists(task() / "lib" / library)) << library;
  }
}

TEST_F(ShippedPackageTest, ShippedLoaderTakesEveryLibraryFromThePackage) {
  std::string loader = (task() / "lib/ld-linux-x86-64.so.2").string();
  std::string lib = (task() / "lib").string();
  std::string program = (task() / "bin/rungs").string();

  // The loader's own listing of what it would map: every library from lib/.
  cli::RunResult list =
      RunProgram("/usr/bin/env", {"-i", loader, "--library-path", lib, "--list", program});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::istringstream lines(list.out);
  int resolved = 0;
  for (std::string line; std::getline(lines, line);) {
    size_t arrow = line.find(" => ");
    if (arrow == std::string::npos) continue;
    EXPECT_THAT(line.substr(arrow + 4), ::testing::StartsWith(lib + "/")) << line;
    ++resolved;
  }
  EXPECT_GE(resolved, 4);

  // And it runs, with nothing from the environment.
  cli::RunResult version =
      RunProgram("/usr/bin/env", {"-i", loader, "--library-path", lib, program, "version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, "rungs 0.1.0\n");
}

TEST_F(ShippedPackageTest, BootstrapStartsTheWorkerWithAnEmptyEnvironment) {
  // Outside Lambda the worker stops at once for want of the Runtime API;
  // that it says so shows bootstrap, loader and program all started.
  cli::RunResult worker = RunProgram("/usr/bin/env", {"-i", (task() / "bootstrap").string()});
  EXPECT_FALSE(worker.signalled);
  EXPECT_NE(worker.exit_code, 0);
  EXPECT_THAT(worker.err, HasSubstr("AWS_LAMBDA_RUNTIME_API"));
}

class LambdaPackageTest : public ::testing::Test {
 protected:
  TempDir dir_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  PackageOptions Options() const { return OptionsIn(dir_.path()); }
};

TEST_F(LambdaPackageTest, RefusesAMissingInclude) {
  PackageOptions options = Options();
  options.includes.push_back(dir_.path() / "missing.csv");
  auto summary = PackageForLambda(options);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.message(), HasSubstr("--include " + (dir_.path() / "missing.csv").string() +
                                           ": not a regular file"));
  EXPECT_FALSE(fs::exists(options.out));
}

TEST_F(LambdaPackageTest, RefusesTwoIncludesWithOneName) {
  fs::create_directories(dir_.path() / "other");
  cli::WriteWholeFile(dir_.path() / "other/train.csv", "x");
  PackageOptions options = Options();
  options.includes.push_back(dir_.path() / "other/train.csv");
  auto summary = PackageForLambda(options);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.message(), HasSubstr("another included file is also named 'train.csv'"));
}

TEST_F(LambdaPackageTest, KeepsTheOldZipWhenWritingFails) {
  PackageOptions options = Options();
  cli::WriteWholeFile(options.out, "old");
  SharedLibraries libraries{"/lib64/ld-linux-x86-64.so.2", {{"libgone.so.1", dir_.path() / "gone.so"}}};
  auto summary = WriteLambdaPackage(options, libraries);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.message(), HasSubstr("cannot read '" + (dir_.path() / "gone.so").string() + "'"));
  EXPECT_EQ(ReadWholeFile(options.out), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator()), 2);  // no partial zip
}

}  // namespace
}  // namespace rungs::package
