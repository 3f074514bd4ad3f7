// How fast the driver can admit new trials of the built-in classifier: the
// memory gate predicts each job's memory before it starts
// (ClassifierTrial::PredictMemory, on the driver thread), which counts the
// training corpus's rows (text::Corpus::Stats; before b904f3d it encoded the
// corpus) for every dictionary setting it has not seen yet. This
// draws N configurations of the default space (seeded) and times the
// prediction of each one's first job, one after the other, as the driver
// makes them. Reading the data is done first and not timed.
//
// Usage: predict_bench TRAIN VALID [N=50] [SEED=1]. Prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trial/classifier_space.h"
#include "trial/classifier_trial.h"

namespace rungs::trial {
namespace {

using Clock = std::chrono::steady_clock;

int Run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: predict_bench TRAIN VALID [N] [SEED]\n");
    return 2;
  }
  const int n = argc > 3 ? std::stoi(argv[3]) : 50;
  const uint64_t seed = argc > 4 ? std::stoull(argv[4]) : 1;
  Result<space::Space> space = space::Space::FromToml(DefaultClassifierSpaceToml(), "default space");
  if (!space.ok()) return std::fprintf(stderr, "%s\n", space.message().c_str()), 1;
  DataSpec spec;
  spec.train = argv[1];
  spec.valid = argv[2];
  ClassifierData data(spec);
  for (bool normalize : {false, true}) {
    Result<TrainValid> read = data.Get(normalize);
    if (!read.ok()) return std::fprintf(stderr, "%s\n", read.message().c_str()), 1;
  }
  ClassifierTrial trial(*space, data, TrialOptions{});

  std::mt19937_64 rng(seed);
  std::vector<double> seconds;
  for (int i = 0; i < n; ++i) {
    job::Job job;
    job.id = uint64_t(i);
    job.trial = uint32_t(i);
    job.epochs_to = 1;
    job.config = space->Sample(rng);
    const Clock::time_point start = Clock::now();
    Result<JobMemoryNeed> need = trial.PredictMemory(job);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    if (!need.ok()) return std::fprintf(stderr, "%s\n", need.message().c_str()), 1;
  }
  double total = 0;
  for (double s : seconds) total += s;
  std::sort(seconds.begin(), seconds.end());
  nlohmann::json out = {{"predictions", n},
                        {"seconds_total", total},
                        {"per_second", double(n) / total},
                        {"median_s", seconds[seconds.size() / 2]},
                        {"p90_s", seconds[seconds.size() * 9 / 10]},
                        {"max_s", seconds.back()}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace rungs::trial

int main(int argc, char** argv) { return rungs::trial::Run(argc, argv); }
