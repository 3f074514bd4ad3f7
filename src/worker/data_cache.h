// DataCache: a warm container's parsed corpora, so that a warm invocation
// starts training at once.
//
// Entries are keyed by everything that decides the corpora: the locations,
// the split (valid_fraction, split_seed) and the reader options. A location
// is a file path (a relative one resolves against the package root,
// $LAMBDA_TASK_ROOT), an https:// URL or an s3:// URI; remote files go
// through fetch::Fetch into the cache folder, so a container that parsed
// them once never downloads them again. Only the most recent few data sets
// are kept (a container serves one experiment at a time). Not thread-safe:
// the worker runs one job at a time.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "base/status.h"
#include "job/envelope.h"
#include "trial/classifier_data.h"

namespace rungs::worker {

struct DataCacheOptions {
  std::string task_root;  // where relative paths point; empty: the working folder
  std::string cache_dir = "/tmp/rungs-cache";  // downloads (Lambda's only writable place)
  size_t max_entries = 2;
};

class DataCache {
 public:
  explicit DataCache(DataCacheOptions options) : options_(std::move(options)) {}

  // The corpora `data` names. Fails naming the field (data.read, data.train)
  // for bad reader options or a file that cannot be had; parse errors come
  // later, from ClassifierData::Get.
  Result<std::shared_ptr<trial::ClassifierData>> Get(const job::DataLocations& data);

  size_t size() const { return entries_.size(); }

 private:
  Result<std::string> Local(const std::string& location, const char* field) const;

  DataCacheOptions options_;
  std::list<std::pair<std::string, std::shared_ptr<trial::ClassifierData>>> entries_;  // newest first
};

}  // namespace rungs::worker
