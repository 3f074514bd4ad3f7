#include "tune/data_check.h"

#include <map>
#include <string>

#include "tune/warning.h"

namespace rungs::tune {
namespace {

using LabelCounts = std::map<std::string, int64_t>;

// "a: 3, b: 1", the first few only.
std::string Listed(const LabelCounts& counts) {
  std::string text;
  int shown = 0;
  for (const auto& [label, count] : counts) {
    if (shown++ == 5) return text + ", ...";
    text += (text.empty() ? "" : ", ") + label + ": " + std::to_string(count);
  }
  return text;
}

// Lines with words and no label are skipped by training and scoring, as
// `rungs train` warns: a blank label column, or a label prefix that differs.
void WarnUnlabelled(const std::string& what, int64_t unlabelled, int64_t labelled) {
  if (unlabelled == 0) return;
  Warn(what + ": " + std::to_string(unlabelled) + " of its " +
       std::to_string(unlabelled + labelled) + " lines or rows have no label and are skipped");
}

// Held-out data (`what`: "--valid FILE") against the training labels.
Status CheckHeldOut(const std::string& what, const std::string& path, const text::ReadOptions& read,
                    const text::Corpus& corpus, const LabelCounts& trained) {
  if (corpus.labelled() == 0) {
    text::ReadOptions resolved = read;
    resolved.format = text::ResolveFormat(path, read.format);
    return text::NoLabelError(what, resolved, corpus.size());
  }
  LabelCounts unseen;
  int64_t occurrences = 0, unseen_occurrences = 0;
  for (const auto& [label, count] : corpus.LabelCounts()) {
    occurrences += count;
    if (trained.count(label) > 0) continue;
    unseen.emplace(label, count);
    unseen_occurrences += count;
  }
  if (unseen_occurrences == occurrences) {
    return Fail(what + ": none of its labels occurs in the training data (" + Listed(unseen) +
                "), so every score would be 0; are these files of the same task?");
  }
  if (!unseen.empty()) {
    Warn(what + ": " + std::to_string(unseen_occurrences) + " of its " +
         std::to_string(occurrences) + " labels never occur in the training data (" +
         Listed(unseen) + "); no model can predict them");
  }
  return Status::Ok();
}

}  // namespace

Status CheckLabels(const TuneSpec& spec, const trial::TrainValid& data) {
  const std::string train = "--train " + spec.train;
  const bool split = spec.valid.empty();
  const int64_t labelled = data.train->labelled() + (split ? data.valid->labelled() : 0);
  if (labelled == 0) {
    text::ReadOptions resolved = spec.read;
    resolved.format = text::ResolveFormat(spec.train, spec.read.format);
    const int64_t lines = data.train->size() + (split ? data.valid->size() : 0);
    return text::NoLabelError(train, resolved, lines);
  }
  WarnUnlabelled(train, data.train->unlabelled() + (split ? data.valid->unlabelled() : 0),
                 labelled);
  const LabelCounts trained = data.train->LabelCounts();
  if (trained.size() == 1) {
    Warn(train + " has one label only (" + trained.begin()->first +
         "): every model predicts it, so accuracy and F1 say nothing; give two labels or more");
  }
  const std::string valid = split ? "the validation part of " + train : "--valid " + spec.valid;
  RUNGS_RETURN_IF_ERROR(CheckHeldOut(valid, split ? spec.train : spec.valid, spec.read,
                                     *data.valid, trained));
  if (!split) WarnUnlabelled(valid, data.valid->unlabelled(), data.valid->labelled());
  if (spec.test.empty()) return Status::Ok();
  Result<std::shared_ptr<text::Corpus>> test = text::Corpus::Load(spec.test, spec.read);
  if (!test.ok()) return Fail("--test: " + test.message());
  const std::string what = "--test " + spec.test;
  RUNGS_RETURN_IF_ERROR(CheckHeldOut(what, spec.test, spec.read, **test, trained));
  WarnUnlabelled(what, (*test)->unlabelled(), (*test)->labelled());
  return Status::Ok();
}

}  // namespace rungs::tune
