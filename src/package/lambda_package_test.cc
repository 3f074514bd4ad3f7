// Packages the built rungs binary, unzips it as Lambda would and runs it with
// an empty environment through the shipped loader, to show that nothing the
// program loads comes from the host.
#include "package/lambda_package.h"
#include "testing/files.h"
#include "testing/run_program.h"
#include "testing/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <sstream>

namespace rungs::package {
namespace {

using testing::ReadFile;
using testing::RunProgram;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

PackageOptions OptionsIn(const fs::path& dir) {
  testing::WriteFile(dir / "train.csv", "label,text\nspam,buy now\n");
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
  return fs::exists(a) && ReadFile(a) == ReadFile(b);
}

// Packages the built rungs once for the suite (the zip is tens of MB) and
// unzips it with Debian's unzip into task/, as Lambda does.
class ShippedPackageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::ProcessDir() / "shipped";
    fs::create_directories(dir_);
    summary_ = new Result<PackageSummary>(PackageForLambda(OptionsIn(dir_)));
    if (!summary_->ok()) return;
    testing::RunResult unzip = RunProgram(
        "/usr/bin/unzip", {"-q", (dir_ / "rungs-lambda.zip").string(), "-d", task().string()});
    unzipped_ = unzip.exit_code == 0;
    if (!unzipped_) std::fprintf(stderr, "unzip failed: %s\n", unzip.err.c_str());
  }
  static void TearDownTestSuite() {
    delete summary_;
  }
  void SetUp() override {
    ASSERT_TRUE(summary_->ok()) << summary_->message();
    ASSERT_TRUE(unzipped_);
  }
  static fs::path task() { return dir_ / "task"; }

  static fs::path dir_;
  static Result<PackageSummary>* summary_;
  static bool unzipped_;
};
fs::path ShippedPackageTest::dir_;
Result<PackageSummary>* ShippedPackageTest::summary_ = nullptr;
bool ShippedPackageTest::unzipped_ = false;

TEST_F(ShippedPackageTest, HoldsBootstrapProgramLoaderLibcCertsAndData) {
  const PackageSummary& summary = **summary_;
  ASSERT_GE(summary.files.size(), 6u);
  EXPECT_EQ(summary.files[0].name, "bootstrap");
  EXPECT_EQ(summary.files[1].name, "bin/rungs");
  EXPECT_EQ(summary.files.back().name, "data/train.csv");
  EXPECT_EQ(summary.zip_bytes, fs::file_size(dir_ / "rungs-lambda.zip"));
  EXPECT_LT(summary.zip_bytes, summary.unzipped_bytes);  // deflated

  EXPECT_EQ(Mode(task() / "bootstrap"), 0755);
  EXPECT_EQ(Mode(task() / "bin/rungs"), 0755);
  EXPECT_EQ(Mode(task() / "lib/ld-linux-x86-64.so.2"), 0755);
  EXPECT_EQ(Mode(task() / "lib/libc.so.6"), 0644);
  EXPECT_TRUE(SameBytes(task() / "bin/rungs", RUNGS_BINARY));
  EXPECT_TRUE(SameBytes(task() / "lib/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"));
  EXPECT_TRUE(SameBytes(task() / "certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt"));
  EXPECT_EQ(ReadFile(task() / "data/train.csv"), "label,text\nspam,buy now\n");
  EXPECT_EQ(ReadFile(task() / "bootstrap"), BootstrapScript("ld-linux-x86-64.so.2"));
  for (const char* library : {"libstdc++.so.6", "libcurl.so.4", "libm.so.6"}) {
    EXPECT_TRUE(fs::exists(task() / "lib" / library)) << library;
  }
}

TEST_F(ShippedPackageTest, ShippedLoaderTakesEveryLibraryFromThePackage) {
  std::string loader = (task() / "lib/ld-linux-x86-64.so.2").string();
  std::string lib = (task() / "lib").string();
  std::string program = (task() / "bin/rungs").string();

  // The loader's own listing of what it would map: every library from lib/.
  testing::RunResult list =
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
  testing::RunResult version =
      RunProgram("/usr/bin/env", {"-i", loader, "--library-path", lib, program, "version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, "rungs 0.1.0\n");
}

TEST_F(ShippedPackageTest, BootstrapStartsTheWorkerWithAnEmptyEnvironment) {
  // Outside Lambda the worker stops at once for want of the Runtime API;
  // that it says so shows bootstrap, loader and program all started.
  testing::RunResult worker = RunProgram("/usr/bin/env", {"-i", (task() / "bootstrap").string()});
  EXPECT_FALSE(worker.signalled);
  EXPECT_NE(worker.exit_code, 0);
  EXPECT_THAT(worker.err, HasSubstr("AWS_LAMBDA_RUNTIME_API"));
}

class LambdaPackageTest : public ::testing::Test {
 protected:
  const fs::path dir_ = testing::FreshDir();
  PackageOptions Options() const { return OptionsIn(dir_); }
};

TEST_F(LambdaPackageTest, RefusesAMissingInclude) {
  PackageOptions options = Options();
  options.includes.push_back(dir_ / "missing.csv");
  auto summary = PackageForLambda(options);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.message(), HasSubstr("--include " + (dir_ / "missing.csv").string() +
                                           ": not a regular file"));
  EXPECT_FALSE(fs::exists(options.out));
}

TEST_F(LambdaPackageTest, RefusesTwoIncludesWithOneName) {
  fs::create_directories(dir_ / "other");
  testing::WriteFile(dir_ / "other/train.csv", "x");
  PackageOptions options = Options();
  options.includes.push_back(dir_ / "other/train.csv");
  auto summary = PackageForLambda(options);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.message(), HasSubstr("another included file is also named 'train.csv'"));
}

TEST_F(LambdaPackageTest, KeepsTheOldZipWhenWritingFails) {
  PackageOptions options = Options();
  testing::WriteFile(options.out, "old");
  SharedLibraries libraries{"/lib64/ld-linux-x86-64.so.2", {{"libgone.so.1", dir_ / "gone.so"}}};
  auto summary = WriteLambdaPackage(options, libraries);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.message(), HasSubstr("cannot read '" + (dir_ / "gone.so").string() + "'"));
  EXPECT_EQ(ReadFile(options.out), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2);  // no partial zip
}

}  // namespace
}  // namespace rungs::package
