#include "text/memory_estimate.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "testing/synthetic_corpus.h"

namespace rungs::text {
namespace {

// What Corpus::Stats counts, read from an encoding actually made: one pass
// over its inputs (a bitmap of input_rows bits).
CorpusStats StatsOfMade(const Encoded& data) {
  const Dictionary& dict = *data.dict;
  CorpusStats s;
  s.examples = data.size();
  s.nwords = dict.nwords();
  s.nlabels = dict.nlabels();
  s.input_rows = dict.InputRows();
  std::vector<bool> used(static_cast<size_t>(s.input_rows));
  for (int32_t row : data.inputs) {
    if (!used[row]) {
      used[row] = true;
      ++s.used_rows;
    }
  }
  for (int64_t i = 0; i < data.size(); ++i) {
    s.max_example_rows = std::max<int64_t>(s.max_example_rows, data.Inputs(i).size());
  }
  s.dictionary_bytes = dict.bytes() + data.bytes();
  return s;
}

// Heap bytes in use now: the main arena and mmapped blocks.
int64_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

// Resident bytes of the mapping that holds `p`, as the kernel counts them
// (/proc/self/smaps): the input matrix's rows are mapped outside the heap.
int64_t ResidentOfMappingAt(const void* p) {
  const auto address = reinterpret_cast<uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &start, &end) == 2) {
      inside = start <= address && address < end;
    } else if (inside && line.rfind("Rss:", 0) == 0) {
      return std::stoll(line.substr(4)) * 1024;
    }
  }
  ADD_FAILURE() << "no mapping holds " << p;
  return 0;
}

struct Measured {
  int64_t peak = 0;  // growth above the loaded corpus during training
  MemoryEstimate estimate;
};

// Loads MR, then encodes and trains `args` for one epoch, sampling the heap
// every millisecond while the worker threads run; adds the rows' mapping as
// it is at the end (it only grows, and the heap stays flat while training).
Measured TrainAndMeasure(const TrainArgs& args) {
  ReadOptions options;
  options.format = Format::kCsv;
  auto corpus = Corpus::Load(std::string(RUNGS_SHARED_DATA) + "/mr/train.csv", options);
  EXPECT_TRUE(corpus.ok()) << corpus.message();
  const int64_t baseline = HeapInUse();
  Measured m;
  {
    auto data = (*corpus)->Encode(args.dict);
    EXPECT_TRUE(data.ok());
    auto checkpoint = StartTraining(**data, args);
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.message();
    TrainControl control;
    control.progress_interval = std::chrono::milliseconds(1);
    control.on_progress = [&](const TrainProgress&) {
      m.peak = std::max(m.peak, HeapInUse() - baseline);
    };
    EXPECT_TRUE(Train(**data, LrSchedule::FastText(args), 1, *checkpoint, control).ok());
    m.peak = std::max(m.peak, HeapInUse() - baseline);
    const LazyMatrix& input = checkpoint->model.input();
    m.peak += ResidentOfMappingAt(input.RowIfPresent(input.PresentRowIds().front()));
    Result<CorpusStats> stats = (*corpus)->Stats(args.dict);
    EXPECT_TRUE(stats.ok()) << stats.message();
    m.estimate = EstimateTrainingMemory(args, *stats);
  }
  return m;
}

struct EstimateSetting {
  const char* name;
  int dim;
  int word_ngrams;
  int bucket;
  int minn, maxn;
  Loss loss;
  int thread;
};

class EstimateTest : public ::testing::TestWithParam<EstimateSetting> {};

// The estimate is within 5% of the heap a real training grows by. One
// thread: its epoch visits every example, so every used row is made (with
// more threads, an epoch may end before a thread reaches the last examples
// of its share, and fewer rows are made than the estimate counts).
TEST_P(EstimateTest, PredictsTheHeapATrainingUses) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "mallinfo2 measures glibc's heap; AddressSanitizer allocates beside it";
#endif
#endif
  const EstimateSetting& s = GetParam();
  TrainArgs args;
  args.dim = s.dim;
  args.dict.word_ngrams = s.word_ngrams;
  args.dict.bucket = s.bucket;
  args.dict.minn = s.minn;
  args.dict.maxn = s.maxn;
  args.loss = s.loss;
  args.thread = s.thread;
  const Measured m = TrainAndMeasure(args);
  const double ratio = static_cast<double>(m.estimate.total()) / static_cast<double>(m.peak);
  std::printf("%s: estimate %lld bytes, measured %lld (ratio %.3f)\n", s.name,
              static_cast<long long>(m.estimate.total()), static_cast<long long>(m.peak), ratio);
  EXPECT_NEAR(ratio, 1.0, 0.05) << s.name << ": estimate " << m.estimate.total() << " (input "
                                << m.estimate.input << ", dictionary " << m.estimate.dictionary
                                << "), measured " << m.peak;
}

INSTANTIATE_TEST_SUITE_P(
    Mr, EstimateTest,
    ::testing::Values(EstimateSetting{"bigrams_2M", 100, 2, 2000000, 0, 0, Loss::kSoftmax, 1},
                      EstimateSetting{"trigrams_200k_ns", 50, 3, 200000, 0, 0, Loss::kNs, 1},
                      EstimateSetting{"unigrams_hs", 20, 1, 2000000, 0, 0, Loss::kHs, 1},
                      EstimateSetting{"subwords_ova", 30, 1, 500000, 3, 5, Loss::kOva, 1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Estimate, CorpusStatsWithoutTheEncodingAreThoseOfTheEncoding) {
  // Corpus::Stats counts what a made encoding holds: the memory gate
  // predicts with it and makes no encoding.
  auto corpus = testing::BuildCorpus(testing::MakeExamples(300, 4, 9));
  for (int ngrams : {1, 2, 3}) {
    for (int maxn : {0, 4}) {
      for (int min_count : {1, 3}) {
        DictArgs args;
        args.word_ngrams = ngrams;
        args.bucket = 5000;
        args.minn = maxn > 0 ? 2 : 0;
        args.maxn = maxn;
        args.min_count = min_count;
        auto encoded = corpus->Encode(args);
        ASSERT_TRUE(encoded.ok()) << encoded.message();
        const CorpusStats made = StatsOfMade(**encoded);
        Result<CorpusStats> counted = corpus->Stats(args);
        ASSERT_TRUE(counted.ok()) << counted.message();
        const std::string at = "wordNgrams " + std::to_string(ngrams) + ", maxn " +
                               std::to_string(maxn) + ", minCount " + std::to_string(min_count);
        EXPECT_EQ(counted->examples, made.examples) << at;
        EXPECT_EQ(counted->nwords, made.nwords) << at;
        EXPECT_EQ(counted->nlabels, made.nlabels) << at;
        EXPECT_EQ(counted->input_rows, made.input_rows) << at;
        EXPECT_EQ(counted->used_rows, made.used_rows) << at;
        EXPECT_EQ(counted->max_example_rows, made.max_example_rows) << at;
        EXPECT_EQ(counted->dictionary_bytes, made.dictionary_bytes) << at;
      }
    }
  }
}

TEST(Estimate, ACheckpointHoldsItsRowsAndOutput) {
  auto corpus = testing::BuildCorpus(testing::MakeExamples(200, 3, 1));
  TrainArgs args;
  args.dim = 10;
  args.thread = 1;
  args.dict.word_ngrams = 2;
  args.dict.bucket = 100000;
  auto data = corpus->Encode(args.dict);
  ASSERT_TRUE(data.ok());
  auto checkpoint = StartTraining(**data, args);
  ASSERT_TRUE(checkpoint.ok());
  ASSERT_TRUE(Train(**data, LrSchedule::FastText(args), 1, *checkpoint).ok());
  Result<CorpusStats> counted = corpus->Stats(args.dict);
  ASSERT_TRUE(counted.ok()) << counted.message();
  const CorpusStats stats = *counted;
  const MemoryEstimate e = EstimateTrainingMemory(args, stats);
  // The trained checkpoint holds what the estimate says the weights take.
  EXPECT_EQ(CheckpointBytes(*checkpoint), e.input + e.output + int64_t{sizeof(ThreadPosition)});
  EXPECT_EQ(checkpoint->model.input().present_rows(), stats.used_rows);
}

}  // namespace
}  // namespace rungs::text
