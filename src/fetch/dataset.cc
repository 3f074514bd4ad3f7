#include "fetch/dataset.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <system_error>

#include "fetch/archive_files.h"
#include "fetch/cache_dir.h"
#include "fetch/newsgroups_archive.h"
#include "fetch/sha256.h"

namespace rungs::fetch {
namespace {

namespace fs = std::filesystem;

// Converts a downloaded archive into the set's CSV files in a folder;
// returns a short summary ("11314 train rows, 7532 test rows").
using Converter = std::function<Result<std::string>(const fs::path& archive, const fs::path& out)>;

struct KnownDataset {
  std::string_view name;
  std::vector<std::string> urls;   // Public sources, tried in order.
  std::string_view archive_sha256;  // Empty: the source publishes none.
  bool has_train;
  // Reference digests of the converted CSVs (shared/data/NAME/README.md).
  std::string_view train_sha256;
  std::string_view test_sha256;
  Converter convert;
};

Result<std::string> ConvertNewsgroups(const fs::path& archive, const fs::path& out) {
  Result<NewsgroupsRows> rows = ConvertNewsgroupsArchive(archive, out);
  if (!rows.ok()) return rows.error();
  return std::to_string(rows->train) + " train rows, " + std::to_string(rows->test) +
         " test rows";
}

// AG News ships as CSV already: only its test split and notes are kept.
Result<std::string> ExtractAgNewsTest(const fs::path& archive, const fs::path& out) {
  static const std::vector<std::string> kKept = {"test.csv", "classes.txt", "readme.txt"};
  auto kept = [](std::string_view entry) {
    std::vector<std::string_view> parts = PathParts(entry);
    return parts.size() >= 2 && parts[parts.size() - 2] == "ag_news_csv" &&
           std::find(kKept.begin(), kKept.end(), parts.back()) != kKept.end();
  };
  int found = 0;
  Status status = ForEachArchiveFile(archive, kept, [&](std::string_view entry, std::string bytes) {
    fs::path path = out / std::string(PathParts(entry).back());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) return Status(Fail("cannot write '" + path.string() + "'"));
    ++found;
    return Status::Ok();
  });
  if (!status.ok()) return status.error();
  if (!fs::exists(out / "test.csv")) {
    return Fail("archive '" + archive.string() + "' has no ag_news_csv/test.csv");
  }
  return std::to_string(found) + " files extracted";
}

const std::vector<KnownDataset>& Catalog() {
  static const std::vector<KnownDataset> kCatalog = {
      {"20newsgroups",
       {"https://ndownloader.figshare.com/files/5975967",
        "http://qwone.com/~jason/20Newsgroups/20news-bydate.tar.gz"},
       "8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610",
       true,
       "7fa2f98e92c192f7175adcf69ee03a9f9812b1c7b83da2359df88200a46e30c3",
       "e2425bbb298249bed5d105aeb5d55401c4967fd0fc7bfc60210de78062c8d198",
       ConvertNewsgroups},
      {"ag_news",
       {"https://s3.amazonaws.com/fast-ai-nlp/ag_news_csv.tgz"},
       "",
       false,
       "",
       "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
       ExtractAgNewsTest},
  };
  return kCatalog;
}

std::string EnvOrEmpty(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::string() : std::string(value);
}

// "20newsgroups" -> "RUNGS_20NEWSGROUPS_" + suffix.
std::string EnvName(std::string_view dataset, std::string_view suffix) {
  std::string name = "RUNGS_";
  for (char c : dataset) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name + "_" + std::string(suffix);
}

// The set's files inside `folder`, when all the needed ones are there.
std::optional<DatasetFiles> FilesIn(const fs::path& folder, const KnownDataset& set,
                                    DatasetOrigin origin) {
  fs::path train = folder / "train.csv";
  fs::path test = folder / "test.csv";
  std::error_code error;
  if (!fs::is_regular_file(test, error)) return std::nullopt;
  if (set.has_train && !fs::is_regular_file(train, error)) return std::nullopt;
  DatasetFiles files;
  files.train = set.has_train ? train.string() : std::string();
  files.test = test.string();
  files.origin = origin;
  files.note = std::string(set.name) + " from " + folder.string();
  return files;
}

bool MatchesReference(const DatasetFiles& files, const KnownDataset& set) {
  auto matches = [](const std::string& path, std::string_view reference) {
    Result<std::string> digest = Sha256OfFile(path);
    return digest.ok() && *digest == reference;
  };
  return matches(files.test, set.test_sha256) &&
         (!set.has_train || matches(files.train, set.train_sha256));
}

// Downloads the archive from the first source that works.
Result<std::string> DownloadArchive(const KnownDataset& set, const DatasetOptions& options) {
  std::vector<std::string> urls = set.urls;
  std::string chosen = options.archive_url.empty() ? EnvOrEmpty(EnvName(set.name, "URL"))
                                                   : options.archive_url;
  if (!chosen.empty()) urls = {chosen};
  FetchOptions fetch = options.fetch;
  fetch.expected_sha256 = options.archive_sha256.empty()
                              ? EnvOrEmpty(EnvName(set.name, "SHA256"))
                              : options.archive_sha256;
  if (fetch.expected_sha256.empty()) fetch.expected_sha256 = set.archive_sha256;
  fetch.label = std::string(set.name) + " archive";
  std::string failures;
  for (const std::string& url : urls) {
    Result<std::string> archive = Fetch(url, fetch);
    if (archive.ok()) return archive;
    failures += "\n  " + archive.message();
  }
  return Fail("cannot download data set '" + std::string(set.name) + "':" + failures);
}

// Puts the converted folder `partial` in place of `target`, which at this
// point is absent or a set someone emptied by hand. When the rename fails
// (another process moved its copy in first), `partial` is dropped.
void MoveIntoPlace(const fs::path& partial, const fs::path& target) {
  std::error_code error;
  fs::remove_all(target, error);
  fs::rename(partial, target, error);
  if (error) fs::remove_all(partial, error);
}

// Converts into a private folder, then renames it into place, so the cache
// never holds a half-converted set.
Result<DatasetFiles> DownloadAndConvert(const KnownDataset& set, const fs::path& target,
                                        const DatasetOptions& options) {
  Result<std::string> archive = DownloadArchive(set, options);
  if (!archive.ok()) return archive.error();
  static std::atomic<uint64_t> next_partial{0};
  fs::path partial = target;
  partial += ".part-" + std::to_string(getpid()) + "-" + std::to_string(next_partial++);
  std::error_code error;
  fs::create_directories(partial, error);
  if (error) return Fail("cannot create '" + partial.string() + "': " + error.message());
  Result<std::string> summary = set.convert(*archive, partial);
  if (!summary.ok()) {
    fs::remove_all(partial, error);
    return summary.error();
  }
  MoveIntoPlace(partial, target);
  std::optional<DatasetFiles> files = FilesIn(target, set, DatasetOrigin::kDownloaded);
  if (!files) return Fail("cannot move converted data set into '" + target.string() + "'");
  files->matches_reference = MatchesReference(*files, set);
  files->note += " (converted from " + *archive + ": " + *summary + "; " +
                 (*files->matches_reference ? "matches" : "differs from") +
                 " the reference SHA-256)";
  return *files;
}

}  // namespace

std::vector<std::string> KnownDatasets() {
  std::vector<std::string> names;
  for (const KnownDataset& set : Catalog()) names.emplace_back(set.name);
  std::sort(names.begin(), names.end());
  return names;
}

Result<DatasetFiles> ResolveDataset(std::string_view name, const DatasetOptions& options) {
  auto set = std::find_if(Catalog().begin(), Catalog().end(),
                          [&](const KnownDataset& known) { return known.name == name; });
  if (set == Catalog().end()) {
    std::string known;
    for (const std::string& each : KnownDatasets()) known += (known.empty() ? "" : ", ") + each;
    return Fail("unknown data set '" + std::string(name) + "' (known: " + known + ")");
  }
  if (options.need_train && !set->has_train) {
    return Fail("data set '" + std::string(name) +
                "' has only its official test split here; give a train file by path or URL");
  }
  if (!options.local_root.empty()) {
    auto files = FilesIn(fs::path(options.local_root) / name, *set, DatasetOrigin::kLocalFolder);
    if (files) return *files;
  }
  Result<fs::path> cache = CacheDir(options.fetch.cache_dir);
  if (!cache.ok()) return cache.error();
  fs::path target = *cache / "datasets" / name;
  if (auto files = FilesIn(target, *set, DatasetOrigin::kCache)) return *files;
  return DownloadAndConvert(*set, target, options);
}

}  // namespace rungs::fetch
