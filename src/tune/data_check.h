// CheckLabels: the classifier's data checked before the first trial, so a
// run that cannot learn or cannot be scored fails at once instead of
// failing every trial. Training data where no line has a label is refused
// with the error `rungs train` gives. Validation and test data are refused
// when no line has a label or when none of their labels occurs in the
// training data (every score would be 0); when only some do not, or when the
// training data has a single label (accuracy is 1 whatever the model), or
// when some lines have no label (they are skipped), the run goes on with a
// warning giving the counts (tune/warning.h).
#pragma once

#include "base/status.h"
#include "trial/classifier_data.h"
#include "tune/tune_spec.h"

namespace rungs::tune {

// `data` is spec's training and validation data as read (local files); the
// test file, when given, is read here. Errors and warnings name the flag.
Status CheckLabels(const TuneSpec& spec, const trial::TrainValid& data);

}  // namespace rungs::tune
