// DataFile: a local data file as a run found it when it started, before
// reading it: its path, size, modification time and a fingerprint of its
// ends. An experiment folder keeps one per local --train, --valid and --test,
// and per file of a --dataset (data-files.json, tune/experiment_dir.h),
// and --resume refuses data that
// changed since: the journaled trials were trained on the old data, and new
// trials trained on other data would be ranked against them as if alike.
//
// The fingerprint is the SHA-256 of the size and of the first and last
// 64 KB, not of the whole file, so it costs as little for a corpus of
// gigabytes as for a small one. An edit inside that keeps the size still
// changes the modification time. An http(s):// URL or s3:// object is
// recorded by its downloaded copy's size and fingerprint, under the URL
// without its secrets and with no time (a download gives the copy a new
// one): a cleared cache or a changed S3 object (revalidated by its ETag,
// fetch/fetch.h) downloads other bytes, which --resume then refuses; before
// any download (a resume that keeps its outputs) a URL is not checked. A
// --dataset's files are recorded under the flag of their role (--train,
// --test): resolved anew from --data-dir or the cache on --resume, they may
// be other files.
//
// data-files.json (format 1): {"format": 1, "files": [{"flag": "--train",
// "path": "/abs/train.txt", "bytes": 91973, "modified_ns": 1764990174...,
// "fingerprint": "27f4..."}]}, one entry per recorded file ("modified_ns": 0
// for a URL). Functions without state, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

struct DataFile {
  std::string flag;         // "--train", "--valid" or "--test": the file's role
  std::string path;         // as the spec holds it (absolute: tune::ApplyFlags); a URL redacted
  int64_t bytes = 0;
  int64_t modified_ns = 0;  // modification time, nanoseconds since 1970 UTC (a URL: 0)
  std::string fingerprint;  // SHA-256 (hex) of the size, the first and the last 64 KB
};

// The data files of a run as they are now: those `given` names by path, and
// the copies `local` reads (tune::WithLocalData) for its URLs and its
// --dataset. Fails naming the flag and the file when one cannot be read
// ("--train data/x.txt: no such file").
Result<std::vector<DataFile>> FindDataFiles(const TuneSpec& given, const TuneSpec& local);

// The `recorded` local files as they are now, at the paths recorded (URLs
// are left out: only a download tells); fails as FindDataFiles does.
Result<std::vector<DataFile>> FindRecordedFiles(const std::vector<DataFile>& recorded);

// OK when each file of `recorded` is in `now` (by flag) as recorded; else an
// error for the first that is not, naming its flag and path, what changed
// and what to do.
Status CheckUnchanged(const std::vector<DataFile>& recorded, const std::vector<DataFile>& now);

// The files as data-files.json holds them (above), and back; a bad field
// is named with `origin`.
nlohmann::json DataFilesToJson(const std::vector<DataFile>& files);
Result<std::vector<DataFile>> DataFilesFromJson(const nlohmann::json& json,
                                                const std::string& origin);

}  // namespace rungs::tune
