// The deployment package of a rungs worker for AWS Lambda's provided.al2023
// runtime: one zip holding
//
//   bootstrap         (0755) what Lambda runs: `rungs worker` through the loader below
//   bin/rungs         (0755) the program
//   lib/ld-linux-*    (0755) the dynamic loader this program was linked against
//   lib/<soname>      every shared library `ldd` lists, glibc included
//   certs/ca-certificates.crt  this machine's CA bundle, for HTTPS (S3) from the worker
//   data/<name>       files given with --include, for jobs that name data/<name>
//
// al2023's glibc is older than the one rungs is built against here, so the
// program does not use the host's loader or libraries at all: bootstrap runs
// the shipped loader with --library-path lib (doc/lambda-package.md says why
// that is sound and where it is not). Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "package/shared_libraries.h"

namespace rungs::package {

struct PackageOptions {
  std::filesystem::path program;                // the rungs binary to ship
  std::filesystem::path out = "rungs-lambda.zip";
  std::vector<std::filesystem::path> includes;  // data files, shipped as data/<file name>
  // The libcurl built here looks for its CA bundle at this path, which al2023
  // does not have; bootstrap points SSL_CERT_FILE at the shipped copy.
  std::filesystem::path ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
};

// One file in the package: its name in the zip, where it came from (empty
// for the generated bootstrap) and its size.
struct PackagedFile {
  std::string name;
  std::filesystem::path source;
  uintmax_t bytes = 0;
};

struct PackageSummary {
  std::vector<PackagedFile> files;  // in zip order
  uintmax_t unzipped_bytes = 0;     // sum of the files' sizes
  uintmax_t zip_bytes = 0;          // size of the written zip
};

// The bootstrap script for a package whose loader is lib/`loader_name`.
std::string BootstrapScript(const std::string& loader_name);

// Writes the package of `options.program` and its libraries (`libraries`,
// as ListSharedLibraries gives them) to `options.out`, replacing it only once
// the new zip is complete. Fails naming the problem: an include that is not
// a readable regular file, two includes with the same file name, a file that
// (the CA bundle included) cannot be read, or an output that cannot be
// written.
Result<PackageSummary> WriteLambdaPackage(const PackageOptions& options,
                                          const SharedLibraries& libraries);

// ListSharedLibraries(options.program), then WriteLambdaPackage.
Result<PackageSummary> PackageForLambda(const PackageOptions& options);

}  // namespace rungs::package
