// `rungs lambda package`: writes the AWS Lambda deployment zip of this rungs
// binary (package/lambda_package.h) and prints what went in.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "package/lambda_package.h"

namespace rungs::cli {
namespace {

// Lambda's limits on a function's code (current AWS quotas): a zip uploaded
// directly, and everything unzipped.
constexpr uintmax_t kDirectUploadLimit = 50ull << 20;
constexpr uintmax_t kUnzippedLimit = 250ull << 20;

std::string Size(uintmax_t bytes) {
  char text[32];
  if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof(text), "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  }
  return text;
}

void PrintSummary(const package::PackageOptions& options, const package::PackageSummary& summary) {
  for (const package::PackagedFile& file : summary.files) {
    std::printf("  %-32s %10s  %s\n", file.name.c_str(), Size(file.bytes).c_str(),
                file.source.empty() ? "(generated)" : file.source.c_str());
  }
  std::printf("wrote %s: %zu files, %s unzipped, %s zipped\n", options.out.c_str(),
              summary.files.size(), Size(summary.unzipped_bytes).c_str(),
              Size(summary.zip_bytes).c_str());
  if (!options.includes.empty()) {
    std::printf("jobs read included files by their relative path, e.g. --train data/%s\n",
                options.includes.front().filename().c_str());
  }
  if (summary.unzipped_bytes > kUnzippedLimit) {
    std::printf("note: Lambda refuses code above %s unzipped; include less data and read it "
                "from S3 instead\n", Size(kUnzippedLimit).c_str());
  } else if (summary.zip_bytes > kDirectUploadLimit) {
    std::printf("note: zips above %s cannot be uploaded directly; upload it to S3 and create "
                "the function from there\n", Size(kDirectUploadLimit).c_str());
  }
}

}  // namespace

// Declared and listed in cmd_lambda.cc, which holds the `rungs lambda` group.
Command AddLambdaPackageSubcommand(CLI::App& lambda) {
  struct Flags {
    std::string out = "rungs-lambda.zip";
    std::vector<std::string> includes;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* sub = lambda.add_subcommand(
      "package", "write the AWS Lambda zip (provided.al2023) of this rungs binary");
  sub->add_option("--out", flags->out, "the zip to write")->capture_default_str();
  sub->add_option("--include", flags->includes,
                  "a data file to ship as data/<its name> (repeatable)")
      ->allow_extra_args(false);
  return {sub, [flags]() -> Status {
            package::PackageOptions options;
            std::error_code error;
            options.program = std::filesystem::read_symlink("/proc/self/exe", error);
            if (error) return Fail("cannot find this program's file: " + error.message());
            options.out = flags->out;
            options.includes.assign(flags->includes.begin(), flags->includes.end());
            auto summary = package::PackageForLambda(options);
            if (!summary.ok()) return summary.error();
            PrintSummary(options, *summary);
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
