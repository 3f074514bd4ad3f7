#include "text/reader.h"

#include "text/format_readers.h"
#include "text/line_reader.h"

namespace rungs::text {

Status NoLabelError(const std::string& name, const ReadOptions& options, int64_t unlabelled) {
  std::string hint = options.format == Format::kFastText
                         ? " (labels are words starting with '" + options.label_prefix + "')"
                         : "";
  return Fail(name + ": no line has a label" + hint + "; " + std::to_string(unlabelled) +
              " lines without one");
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kAuto: return "auto";
    case Format::kFastText: return "fasttext";
    case Format::kCsv: return "csv";
    case Format::kJsonl: return "jsonl";
  }
  return "auto";
}

Result<Format> ParseFormat(std::string_view name) {
  for (Format format : kFormats) {
    if (FormatName(format) == name) return format;
  }
  return Fail("unknown format '" + std::string(name) + "' (expected auto, fasttext, csv or jsonl)");
}

Format ResolveFormat(const std::string& path, Format format) {
  if (format != Format::kAuto) return format;
  auto has_suffix = [&](std::string_view suffix) {
    if (path.size() < suffix.size()) return false;
    for (size_t i = 0; i < suffix.size(); ++i) {
      char c = path[path.size() - suffix.size() + i];
      if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != suffix[i]) return false;
    }
    return true;
  };
  if (has_suffix(".csv")) return Format::kCsv;
  if (has_suffix(".jsonl") || has_suffix(".ndjson") || has_suffix(".json")) return Format::kJsonl;
  return Format::kFastText;
}

namespace {

Result<ReadStats> ReadFormat(Format format, LineReader& lines, const ReadOptions& options,
                             const ExampleSink& sink) {
  switch (format) {
    case Format::kCsv:
      return ReadCsvRows(lines, options, sink);
    case Format::kJsonl:
      return ReadJsonLines(lines, options, sink);
    case Format::kAuto:
    case Format::kFastText:
      break;
  }
  return ReadFastTextLines(lines, options, sink);
}

}  // namespace

Result<ReadStats> ReadExamples(const std::string& path, const ReadOptions& options,
                               const std::function<Status(const Example&)>& sink) {
  Result<LineReader> lines = LineReader::Open(
      path, LineReader::kChunkBytes,
      options.allow_empty ? LineReader::IfEmpty::kNoLines : LineReader::IfEmpty::kFail);
  if (!lines.ok()) return lines.error();
  const Format format = ResolveFormat(path, options.format);
  Result<ReadStats> stats = ReadFormat(format, *lines, options, sink);
  if (!stats.ok() || stats->examples > 0 || options.allow_empty) return stats;
  if (options.keep_unlabelled) return Fail(lines->name() + ": no examples in the file");
  std::string why = stats->skipped_no_label == 0
                        ? ""
                        : " (" + std::to_string(stats->skipped_no_label) +
                              " lines or rows without a label were skipped)";
  std::string hint = format == Format::kFastText
                         ? "; labels are words starting with '" + options.label_prefix + "'"
                         : "";
  return Fail(lines->name() + ": no labelled examples" + why + hint);
}

}  // namespace rungs::text
