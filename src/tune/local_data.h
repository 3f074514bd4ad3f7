// WithLocalData: the spec with local files for its data. A named data set
// is resolved (its local folder, the cache, or a download checked by
// SHA-256), and http(s):// URLs and s3:// objects are downloaded into the
// cache (fetch/fetch.h): the best trial is retrained here even on Lambda,
// and the data is checked before any work. Blocks while downloading.
#pragma once

#include "base/status.h"
#include "tune/tune_progress.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

// Download progress shows on a terminal unless `mode` is quiet or JSON.
Result<TuneSpec> WithLocalData(TuneSpec spec, ProgressMode mode);

}  // namespace rungs::tune
