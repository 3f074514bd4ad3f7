#include "package/lambda_package.h"

#include <unistd.h>

#include <set>

#include "package/zip_writer.h"

namespace rungs::package {
namespace {

namespace fs = std::filesystem;

constexpr int kExecutable = 0755;
constexpr int kReadable = 0644;

// What goes into the zip, before anything is written.
struct PlannedFile {
  std::string name;
  fs::path source;  // empty: `bytes` is the content
  std::string bytes;
  int mode;
};

Result<std::vector<PlannedFile>> Plan(const PackageOptions& options,
                                      const SharedLibraries& libraries) {
  std::string loader_name = libraries.loader.filename().string();
  std::vector<PlannedFile> plan;
  plan.push_back({"bootstrap", {}, BootstrapScript(loader_name), kExecutable});
  plan.push_back({"bin/rungs", options.program, {}, kExecutable});
  plan.push_back({"lib/" + loader_name, libraries.loader, {}, kExecutable});
  for (const SharedLibrary& library : libraries.libraries) {
    plan.push_back({"lib/" + library.soname, library.file, {}, kReadable});
  }
  plan.push_back({"certs/ca-certificates.crt", options.ca_bundle, {}, kReadable});
  std::set<std::string> data_names;
  for (const fs::path& include : options.includes) {
    std::error_code error;
    if (!fs::is_regular_file(include, error)) {
      return Fail("--include " + include.string() + ": not a regular file");
    }
    std::string name = include.filename().string();
    if (!data_names.insert(name).second) {
      return Fail("--include " + include.string() + ": another included file is also named '" +
                  name + "' (files are shipped as data/<file name>)");
    }
    plan.push_back({"data/" + name, include, {}, kReadable});
  }
  return plan;
}

Status WriteZip(const fs::path& path, const std::vector<PlannedFile>& plan) {
  auto zip = ZipWriter::Create(path);
  if (!zip.ok()) return zip.error();
  for (const PlannedFile& file : plan) {
    RUNGS_RETURN_IF_ERROR(file.source.empty() ? (*zip)->AddBytes(file.name, file.bytes, file.mode)
                                              : (*zip)->AddFile(file.name, file.source, file.mode));
  }
  return (*zip)->Close();
}

}  // namespace

std::string BootstrapScript(const std::string& loader_name) {
  return "#!/bin/sh\n"
         "# Written by `rungs lambda package`. Lambda runs this to start the function.\n"
         "# rungs starts through the dynamic loader shipped in lib/, which takes every\n"
         "# library (glibc too) from lib/ and none from the host, whose glibc is older.\n"
         "root=\"${LAMBDA_TASK_ROOT:-${0%/*}}\"\n"
         "# HTTPS clients in rungs verify servers against this CA bundle (the host's\n"
         "# is elsewhere than where the shipped libcurl looks).\n"
         "export SSL_CERT_FILE=\"$root/certs/ca-certificates.crt\"\n"
         "exec \"$root/lib/" + loader_name +
         "\" --library-path \"$root/lib\" \"$root/bin/rungs\" worker \"$@\"\n";
}

Result<PackageSummary> WriteLambdaPackage(const PackageOptions& options,
                                          const SharedLibraries& libraries) {
  auto plan = Plan(options, libraries);
  if (!plan.ok()) return plan.error();

  // A failed run must not leave a truncated zip under the requested name.
  fs::path partial = options.out;
  partial += ".partial-" + std::to_string(::getpid());
  Status written = WriteZip(partial, *plan);
  std::error_code renamed;
  if (written.ok()) fs::rename(partial, options.out, renamed);
  if (!written.ok() || renamed) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    if (!written.ok()) return written.error();
    return Fail("cannot write '" + options.out.string() + "': " + renamed.message());
  }

  PackageSummary summary;
  std::error_code error;
  for (const PlannedFile& file : *plan) {
    uintmax_t bytes = file.source.empty() ? file.bytes.size() : fs::file_size(file.source, error);
    summary.files.push_back({file.name, file.source, bytes});
    summary.unzipped_bytes += bytes;
  }
  summary.zip_bytes = fs::file_size(options.out, error);
  return summary;
}

Result<PackageSummary> PackageForLambda(const PackageOptions& options) {
  auto libraries = ListSharedLibraries(options.program);
  if (!libraries.ok()) return libraries.error();
  return WriteLambdaPackage(options, *libraries);
}

}  // namespace rungs::package
