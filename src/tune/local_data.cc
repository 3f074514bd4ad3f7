#include "tune/local_data.h"

#include "base/redact.h"
#include "fetch/dataset.h"
#include "fetch/fetch.h"

namespace rungs::tune {

Result<TuneSpec> WithLocalData(TuneSpec spec, ProgressMode mode) {
  fetch::FetchOptions fetch_options;
  fetch_options.progress =
      mode == ProgressMode::kAuto ? fetch::ProgressMode::kAuto : fetch::ProgressMode::kNever;
  if (!spec.dataset.empty()) {
    fetch::DatasetOptions options;
    options.local_root = spec.data_dir;
    options.fetch = fetch_options;
    auto files = fetch::ResolveDataset(spec.dataset, options);
    if (!files.ok()) return Fail("--dataset: " + files.message());
    if (spec.train.empty()) spec.train = files->train;
    if (spec.test.empty()) spec.test = files->test;
  }
  const std::pair<const char*, std::string*> locations[] = {
      {"--train", &spec.train}, {"--valid", &spec.valid}, {"--test", &spec.test}};
  for (auto [flag, data] : locations) {
    if (IsRedacted(*data)) {
      return Fail(std::string(flag) + " " + *data +
                  ": its secrets were not stored; give the whole URL again with " + flag);
    }
    if (data->empty() || fetch::IsLocalPath(*data)) continue;
    auto local = fetch::Fetch(*data, fetch_options);
    if (!local.ok()) return local.error();
    *data = *local;
  }
  return spec;
}

}  // namespace rungs::tune
