// The default search space for the built-in classifier, and the mapping from
// a configuration of any classifier space to fastText training arguments.
//
// Parameter names are fastText's flags (lr, dim, wordNgrams, ...) plus
// `charNgrams` (switches minn/maxn on) and `normalize` (lowercase and split
// punctuation when reading). Epochs are the resource, never a parameter.
#pragma once

#include <string_view>

#include "base/status.h"
#include "space/space.h"
#include "text/args.h"

namespace rungs::trial {

// The default space in TOML (documented in the README).
std::string_view DefaultClassifierSpaceToml();

// OK when every parameter of `space` is one the classifier knows and each
// of its values the search may try is one the classifier accepts: a float or
// int at either bound, each choice, a fixed value. A value fails when every
// configuration probed with it fails (16 drawn with a fixed seed, the value
// put in, kept when still in the space), so values that only clash with
// some others (maxn below some minn) pass. Errors name the parameter, the
// value and the classifier's reason (lr < 0, an unknown loss, dim > 10000).
Status CheckClassifierSpace(const space::Space& space);

// What one configuration means for the classifier.
struct ClassifierSettings {
  text::TrainArgs args;     // fastText arguments (epoch is set per job)
  bool normalize = false;   // read the corpus with normalization
};

// `base` with every active parameter of `config` applied. Fails naming the
// parameter when a value does not fit (e.g. an unknown loss) or the result
// does not validate.
Result<ClassifierSettings> SettingsFor(const space::Space& space, const space::Config& config,
                                       const text::TrainArgs& base);

// The smallest dim a configuration of `space` can have: the dim parameter's
// lowest value, or base.dim where the space has none or it may be inactive
// (the smallest model, text::SmallestQuantizedFileBytes).
int SmallestDim(const space::Space& space, const text::TrainArgs& base);

// `dict` widened to the extremes of `space`: the most word n-grams, the
// lowest minCount and minCountLabel and, when `dict` has character n-grams,
// the widest minn..maxn; the bucket stays. Each widening only adds to what
// an encoding holds (words, n-grams, labels) and, with the same bucket, to
// the rows it uses, so the corpus counted with the result bounds the corpus
// counted with `dict`. Few settings come out (one per bucket and character
// n-grams on or off), so counting each once bounds every job
// (ClassifierTrial::PredictMemory).
text::DictArgs WidestDict(const space::Space& space, const text::DictArgs& dict);

}  // namespace rungs::trial
