// Reader throughput: rungs' ReadExamples over a CSV, against a plain scan
// of the same bytes (the I/O floor) in the same run. Prints one JSON line.
// Usage: reader_bench FILE.csv [repeats]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "text/reader.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Reads the file in 1 MiB chunks and counts newlines: what any reader must at least do.
double ScanSeconds(const std::string& path, long long& lines) {
  auto start = std::chrono::steady_clock::now();
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return -1;
  std::string buffer(1 << 20, '\0');
  lines = 0;
  for (size_t got; (got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0;) {
    for (const char* p = buffer.data(); (p = static_cast<const char*>(
                                             std::memchr(p, '\n', buffer.data() + got - p)));
         ++p) {
      ++lines;
    }
  }
  std::fclose(file);
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: reader_bench FILE.csv [repeats]\n");
    return 2;
  }
  std::string path = argv[1];
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  double best_read = 1e9, best_scan = 1e9;
  long long examples = 0, words = 0, lines = 0;
  for (int i = 0; i < repeats; ++i) {
    double scan = ScanSeconds(path, lines);
    if (scan < 0) {
      std::fprintf(stderr, "cannot open %s\n", path.c_str());
      return 1;
    }
    best_scan = std::min(best_scan, scan);
    examples = words = 0;
    auto start = std::chrono::steady_clock::now();
    rungs::Result<rungs::text::ReadStats> stats =
        rungs::text::ReadExamples(path, {}, [&](const rungs::text::Example& e) {
          ++examples;
          words += static_cast<long long>(e.words.size());
          return rungs::Status::Ok();
        });
    if (!stats.ok()) {
      std::fprintf(stderr, "%s\n", stats.message().c_str());
      return 1;
    }
    best_read = std::min(best_read, Seconds(start));
  }
  std::printf("{\"examples\": %lld, \"words\": %lld, \"lines\": %lld, \"read_s\": %.4f, "
              "\"scan_s\": %.4f, \"read_over_scan\": %.2f}\n",
              examples, words, lines, best_read, best_scan, best_read / best_scan);
  return 0;
}
