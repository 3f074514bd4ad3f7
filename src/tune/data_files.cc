#include "tune/data_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

#include "base/redact.h"
#include "fetch/fetch.h"
#include "fetch/sha256.h"

namespace rungs::tune {
namespace {

using nlohmann::json;

constexpr int kDataFilesFormat = 1;
constexpr int64_t kEndBytes = 64 << 10;  // fingerprinted at each end
constexpr int64_t kNanoseconds = 1'000'000'000;

// `n` bytes of `in` from `offset`; fewer when the file is shorter.
std::string ReadBytesAt(std::ifstream& in, int64_t offset, int64_t n) {
  std::string bytes(static_cast<size_t>(n), '\0');
  in.clear();  // a file that shrank while read set failbit
  in.seekg(offset);
  in.read(bytes.data(), n);
  bytes.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return bytes;
}

Result<DataFile> FindDataFile(std::string flag, std::string path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    const std::string why = errno == ENOENT ? "no such file" : std::strerror(errno);
    return Fail(flag + " " + path + ": " + why);
  }
  std::ifstream in(path, std::ios::binary);
  if (!S_ISREG(info.st_mode) || !in) return Fail(flag + " " + path + ": not a readable file");
  DataFile file{std::move(flag), std::move(path), info.st_size,
                int64_t{info.st_mtim.tv_sec} * kNanoseconds + info.st_mtim.tv_nsec, ""};
  const int64_t head = std::min(file.bytes, kEndBytes);
  const int64_t tail = std::min(file.bytes - head, kEndBytes);
  file.fingerprint = fetch::Sha256OfBytes(std::to_string(file.bytes) + "\n" +
                                          ReadBytesAt(in, 0, head) +
                                          ReadBytesAt(in, file.bytes - tail, tail));
  if (in.bad()) return Fail(file.flag + " " + file.path + ": cannot be read");
  return file;
}

// "1764990174.123456789": seconds since 1970, as `touch -d @...` reads them.
std::string EpochText(int64_t ns) {
  char text[48];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(ns / kNanoseconds),
                static_cast<long long>(ns % kNanoseconds));
  return text;
}

// "2026-12-06 03:02:54 UTC"
std::string TimeText(int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / kNanoseconds);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&seconds));
  return text;
}

// What differs between `was` and `now`, or "" when nothing does.
std::string ChangeBetween(const DataFile& was, const DataFile& now) {
  if (was.bytes != now.bytes) {
    return "size " + std::to_string(was.bytes) + " -> " + std::to_string(now.bytes) + " bytes";
  }
  if (was.fingerprint != now.fingerprint) return "same size, but its first or last 64 KB differ";
  if (was.modified_ns != now.modified_ns) {
    return "same size and ends, but modified at " + TimeText(now.modified_ns) + ", not " +
           TimeText(was.modified_ns);
  }
  return "";
}

// A URL's downloaded copy, recorded under the URL without its secrets. Its
// time is left out (0): each download gives the copy a new one.
Result<DataFile> FindDownloadedFile(std::string flag, const std::string& url,
                                    const std::string& copy) {
  Result<DataFile> file = FindDataFile(flag, copy);
  if (!file.ok()) return file;
  file->path = RedactSecrets(url);
  file->modified_ns = 0;
  return file;
}

}  // namespace

Result<std::vector<DataFile>> FindDataFiles(const TuneSpec& given, const TuneSpec& local) {
  std::vector<DataFile> files;
  const std::pair<const char*, std::string TuneSpec::*> locations[] = {
      {"--train", &TuneSpec::train}, {"--valid", &TuneSpec::valid}, {"--test", &TuneSpec::test}};
  for (const auto& [flag, location] : locations) {
    const std::string& path = given.*location;
    // Not given, yet read: a file of the --dataset.
    const bool of_dataset = path.empty() && !given.dataset.empty();
    const bool downloaded = !path.empty() && !fetch::IsLocalPath(path);
    const std::string& read = of_dataset || downloaded ? local.*location : path;
    if (!fetch::IsLocalPath(read)) continue;  // not given, not downloaded, or not in the --dataset
    Result<DataFile> file =
        downloaded ? FindDownloadedFile(flag, path, read) : FindDataFile(flag, read);
    if (!file.ok()) return file.error();
    files.push_back(std::move(*file));
  }
  return files;
}

Result<std::vector<DataFile>> FindRecordedFiles(const std::vector<DataFile>& recorded) {
  std::vector<DataFile> files;
  for (const DataFile& was : recorded) {
    if (!fetch::IsLocalPath(was.path)) continue;  // only a download tells
    Result<DataFile> file = FindDataFile(was.flag, was.path);
    if (!file.ok()) return file.error();
    files.push_back(std::move(*file));
  }
  return files;
}

Status CheckUnchanged(const std::vector<DataFile>& recorded, const std::vector<DataFile>& now) {
  for (const DataFile& was : recorded) {
    auto same_flag = [&](const DataFile& f) { return f.flag == was.flag; };
    auto found = std::find_if(now.begin(), now.end(), same_flag);
    if (found == now.end()) continue;  // the flag is fixed on resume: not reached
    const std::string change = ChangeBetween(was, *found);
    if (change.empty()) continue;
    // Only the time differs: the same bytes may have been written again (a
    // copy, a checkout). The user can tell; we cannot without reading them
    // all, so the message says how to give the file its time back.
    const std::string same_bytes =
        was.fingerprint == found->fingerprint
            ? "; if its content is the same, `touch -d @" + EpochText(was.modified_ns) + " '" +
                  was.path + "'` gives it back its time"
            : "";
    return Fail(was.flag + " " + was.path + " changed since the run started (" + change +
                "); the journaled trials were trained on the old file: restore it, or start a "
                "new run with another --out" + same_bytes);
  }
  return Status::Ok();
}

json DataFilesToJson(const std::vector<DataFile>& files) {
  json list = json::array();
  for (const DataFile& f : files) {
    list.push_back({{"flag", f.flag}, {"path", f.path}, {"bytes", f.bytes},
                    {"modified_ns", f.modified_ns}, {"fingerprint", f.fingerprint}});
  }
  return {{"format", kDataFilesFormat}, {"files", list}};
}

Result<std::vector<DataFile>> DataFilesFromJson(const json& object, const std::string& origin) {
  if (!object.is_object() || !object.contains("format") || object["format"] != kDataFilesFormat) {
    return Fail(origin + ": not a record of data files in format " +
                std::to_string(kDataFilesFormat));
  }
  const json files = object.value("files", json());
  if (!files.is_array()) return Fail(origin + ": 'files' must be an array");
  std::vector<DataFile> read;
  for (size_t i = 0; i < files.size(); ++i) {
    const json& f = files[i];
    const std::string at = origin + ": files[" + std::to_string(i) + "]";
    for (const char* key : {"flag", "path", "fingerprint"}) {
      if (!f.contains(key) || !f[key].is_string()) {
        return Fail(at + "." + key + " must be a string");
      }
    }
    for (const char* key : {"bytes", "modified_ns"}) {
      if (!f.contains(key) || !f[key].is_number_integer()) {
        return Fail(at + "." + key + " must be an integer");
      }
    }
    read.push_back({f["flag"], f["path"], f["bytes"], f["modified_ns"], f["fingerprint"]});
  }
  return read;
}

}  // namespace rungs::tune
