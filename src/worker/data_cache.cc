#include "worker/data_cache.h"

#include <filesystem>

#include "fetch/fetch.h"
#include "text/read_options_json.h"

namespace rungs::worker {
namespace {

std::string KeyOf(const job::DataLocations& data) {
  nlohmann::json key = {data.train, data.valid, data.valid_fraction, data.split_seed, data.read};
  return key.dump();
}

}  // namespace

Result<std::string> DataCache::Local(const std::string& location, const char* field) const {
  std::string path = location;
  bool remote = location.find("://") != std::string::npos;
  if (!remote && std::filesystem::path(location).is_relative() && !options_.task_root.empty()) {
    path = (std::filesystem::path(options_.task_root) / location).string();
  }
  fetch::FetchOptions fetch_options;
  fetch_options.cache_dir = options_.cache_dir;
  fetch_options.revalidate = true;  // a URL's content may change between jobs
  fetch_options.progress = fetch::ProgressMode::kNever;
  Result<std::string> local = fetch::Fetch(path, fetch_options);
  if (!local.ok()) return Fail(std::string(field) + ": " + local.message());
  return local;
}

Result<std::shared_ptr<trial::ClassifierData>> DataCache::Get(const job::DataLocations& data) {
  std::string key = KeyOf(data);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first != key) continue;
    entries_.splice(entries_.begin(), entries_, it);
    return it->second;
  }
  Result<text::ReadOptions> read = text::ReadOptionsFromJson(data.read);
  if (!read.ok()) return read.error();
  trial::DataSpec spec;
  // The format by the location's name: a downloaded copy may be named otherwise.
  read->format = text::ResolveFormat(data.train, read->format);
  spec.read = *read;
  spec.valid_fraction = data.valid_fraction;
  spec.split_seed = data.split_seed;
  Result<std::string> train = Local(data.train, "data.train");
  if (!train.ok()) return train.error();
  spec.train = *train;
  if (!data.valid.empty()) {
    Result<std::string> valid = Local(data.valid, "data.valid");
    if (!valid.ok()) return valid.error();
    spec.valid = *valid;
  }
  entries_.emplace_front(key, std::make_shared<trial::ClassifierData>(std::move(spec)));
  if (entries_.size() > options_.max_entries) entries_.pop_back();
  return entries_.front().second;
}

}  // namespace rungs::worker
