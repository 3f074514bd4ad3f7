// rungs normalize [FILE|-]: every line (CSV row, JSON line) of a data file
// with its text normalized as a model that records `normalize` expects it
// (ASCII lowercase, punctuation split off), written to stdout as fastText
// lines: the labels with their prefix, then the words. `fasttext predict` and
// `fasttext test` on the output see what `rungs predict` and `rungs test`
// see in the raw file, line for line: a blank fastText line stays a blank
// line, blank CSV rows and JSON lines are dropped, as rungs predict does.
#include <cstdio>

#include "cli/command.h"
#include "cli/reader_flags.h"

namespace rungs::cli {
namespace {

struct NormalizeFlags {
  std::string file = "-";
  ReaderFlags reader;
};

Status RunNormalize(const NormalizeFlags& flags) {
  Result<text::ReadOptions> options = flags.reader.ToReadOptions(flags.file);
  if (!options.ok()) return options.error();
  options->normalize = true;
  options->keep_unlabelled = true;
  const std::string& prefix = options->label_prefix;
  std::string line;
  Result<text::ReadStats> read = text::ReadExamples(flags.file, *options, [&](const text::Example& e) {
    line.clear();
    for (std::string_view label : e.labels) {
      line += prefix;
      line += label;
      line.push_back(' ');
    }
    for (std::string_view word : e.words) {
      // Only a prefix without punctuation survives normalization this way.
      if (word.starts_with(prefix)) {
        return Status(Fail(flags.file + ":" + std::to_string(e.line) + ": the word '" +
                           std::string(word) + "' starts with the label prefix '" + prefix +
                           "', so fastText would read it as a label"));
      }
      line += word;
      line.push_back(' ');
    }
    if (line.empty()) line.push_back(' ');
    line.back() = '\n';
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) {
      return Status(Fail("cannot write to stdout"));
    }
    return Status::Ok();
  });
  if (!read.ok()) return read.status();
  if (std::fflush(stdout) != 0) return Fail("cannot write to stdout");
  return Status::Ok();
}

}  // namespace

Command AddNormalizeCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "normalize",
      "normalize text as a model trained with normalization expects it, written as fastText "
      "lines for `fasttext predict/test`");
  sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  auto flags = std::make_shared<NormalizeFlags>();
  sub->add_option("file", flags->file, "data: fastText lines, CSV or JSON lines ('-' for stdin)")
      ->capture_default_str();
  AddReaderFlags(*sub, flags->reader, ReaderUse::kFilter);
  return {sub, [flags] { return RunNormalize(*flags); }};
}

}  // namespace rungs::cli
