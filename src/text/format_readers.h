// The per-format loops behind ReadExamples (reader.h), one file each. They
// read every record of `lines`, deliver examples to `sink` and count what
// they skip; ReadExamples does the checks common to all formats.
#pragma once

#include <functional>

#include "base/status.h"
#include "text/line_reader.h"
#include "text/reader.h"

namespace rungs::text {

using ExampleSink = std::function<Status(const Example&)>;

Result<ReadStats> ReadFastTextLines(LineReader& lines, const ReadOptions& options,
                                    const ExampleSink& sink);
Result<ReadStats> ReadCsvRows(LineReader& lines, const ReadOptions& options,
                              const ExampleSink& sink);
Result<ReadStats> ReadJsonLines(LineReader& lines, const ReadOptions& options,
                                const ExampleSink& sink);

}  // namespace rungs::text
