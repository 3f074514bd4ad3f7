// How fast the driver can admit new trials of the built-in classifier: the
// memory gate predicts each job's memory before it starts
// (ClassifierTrial::PredictMemory, on the driver thread). An upper bound
// comes first (the space's widest dictionary counted once per normalize,
// bucket and character n-gram choice); the exact prediction
// counts the training corpus's rows (text::Corpus::Stats; before b904f3d it
// encoded the corpus) for every dictionary setting it has not seen yet, and
// is made only when a bound does not fit. This draws N configurations of the
// default space (seeded) and times each kind of prediction of each one's
// first job, one after the other as the driver makes them, each kind with its
// own caches; it prints how far the bounds are above the exact needs and
// counts any below (there must be none). Reading the data is not timed.
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

struct Predictions {
  std::vector<double> seconds;
  std::vector<int64_t> bytes;
};

// Each configuration's first job predicted `how`, in order, with fresh caches.
Result<Predictions> Predict(const space::Space& space, ClassifierData& data,
                            const std::vector<space::Config>& configs, Prediction how) {
  ClassifierTrial trial(space, data, TrialOptions{});
  Predictions out;
  for (size_t i = 0; i < configs.size(); ++i) {
    job::Job job;
    job.id = uint64_t(i);
    job.trial = uint32_t(i);
    job.epochs_to = 1;
    job.config = configs[i];
    const Clock::time_point start = Clock::now();
    Result<JobMemoryNeed> need = trial.PredictMemory(job, how);
    out.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    if (!need.ok()) return need.error();
    out.bytes.push_back(need->bytes);
  }
  return out;
}

nlohmann::json Timing(std::vector<double> seconds) {
  double total = 0;
  for (double s : seconds) total += s;
  std::sort(seconds.begin(), seconds.end());
  return {{"seconds_total", total},
          {"per_second", double(seconds.size()) / total},
          {"median_s", seconds[seconds.size() / 2]},
          {"p90_s", seconds[seconds.size() * 9 / 10]},
          {"max_s", seconds.back()}};
}

nlohmann::json Looseness(const std::vector<int64_t>& exact, const std::vector<int64_t>& bound) {
  std::vector<double> ratios;
  int below = 0;
  for (size_t i = 0; i < exact.size(); ++i) {
    ratios.push_back(double(bound[i]) / double(exact[i]));
    below += bound[i] < exact[i];
  }
  std::sort(ratios.begin(), ratios.end());
  const auto gib = [](int64_t b) { return double(b) / double(int64_t{1} << 30); };
  return {{"min", ratios.front()},
          {"median", ratios[ratios.size() / 2]},
          {"max", ratios.back()},
          {"bounds_below_exact", below},
          {"largest_exact_gib", gib(*std::max_element(exact.begin(), exact.end()))},
          {"largest_bound_gib", gib(*std::max_element(bound.begin(), bound.end()))}};
}

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
  std::vector<space::Config> configs;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < n; ++i) configs.push_back(space->Sample(rng));

  Result<Predictions> exact = Predict(*space, data, configs, Prediction::kExact);
  Result<Predictions> bound = Predict(*space, data, configs, Prediction::kUpperBound);
  if (!exact.ok() || !bound.ok()) {
    std::fprintf(stderr, "%s\n", (exact.ok() ? bound : exact).message().c_str());
    return 1;
  }
  nlohmann::json out = {{"predictions", n},
                        {"exact", Timing(exact->seconds)},
                        {"bound", Timing(bound->seconds)},
                        {"bound_over_exact", Looseness(exact->bytes, bound->bytes)}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace rungs::trial

int main(int argc, char** argv) { return rungs::trial::Run(argc, argv); }
