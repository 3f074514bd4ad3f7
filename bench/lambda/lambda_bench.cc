// The driver side of the Lambda benchmark: exec::LambdaExecutor keeps
// --in-flight invocations going against a local endpoint whose function
// sleeps (sleep_endpoint.js), starting a new synthetic job as each one ends,
// for --seconds. Over the steady window (after --warmup-seconds) it reports
// invocations per second against the ideal (in flight / sleep), driver CPU
// seconds (getrusage: user + system, all threads) per 1,000 invocations, and
// the gap between a job's end (the endpoint sending its answer, from
// GET /bench/ends) and the driver starting the job that takes its place.
// With --train and --valid, each job is a new trial of the built-in
// classifier (a configuration drawn from the default space) and goes through
// the memory gate as `rungs tune` sends it, checked against the function's
// memory: --predict bound (rungs' way: an upper bound first, exact only when
// it does not fit) or exact (every job counted on the corpus, as before
// 13e696c), so the figures say what the predictions cost the driver.
// Prints a readable summary and one JSON line.
#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "exec/lambda_executor.h"
#include "exec/memory_gate.h"
#include "space/space.h"
#include "trial/classifier_space.h"
#include "trial/classifier_trial.h"
#include "tune/executor_choice.h"

namespace {

using rungs::Result;
using rungs::Status;
using rungs::job::Job;
using rungs::job::JobEnvelope;
using rungs::job::JobResult;

struct Options {
  std::string endpoint;
  std::string function = "sleep";
  int in_flight = 1000;
  double seconds = 20;
  double warmup_seconds = 3;
  double sleep_seconds = 1;  // what the endpoint's function sleeps, for the ideal rate
  std::string train, valid;  // set: classifier jobs through the memory gate
  std::string predict = "bound";
  int memory_mb = 1769;  // the function's memory, which each job must fit
};

// Classifier jobs behind the memory gate: fresh trials of the default space.
class GatedJobs {
 public:
  static Result<std::unique_ptr<GatedJobs>> Make(const Options& o,
                                                 rungs::exec::LambdaExecutor& executor,
                                                 const rungs::exec::MemoryLimits& limits) {
    Result<rungs::space::Space> space = rungs::space::Space::FromToml(
        rungs::trial::DefaultClassifierSpaceToml(), "default space");
    if (!space.ok()) return space.error();
    auto jobs = std::unique_ptr<GatedJobs>(new GatedJobs(o, std::move(*space)));
    for (bool normalize : {false, true}) {  // read before the clock starts, as tune does
      Result<rungs::trial::TrainValid> read = jobs->data_.Get(normalize);
      if (!read.ok()) return read.error();
    }
    rungs::exec::MemoryGate::Hooks hooks = rungs::tune::ClassifierHooks(jobs->trial_, jobs->space_);
    hooks.held = nullptr;  // nothing held locally, as on Lambda in tune
    hooks.release = nullptr;
    if (o.predict == "exact") {  // every job counted exactly, on the driver thread
      hooks.predict = [trial = &jobs->trial_](const Job& job) {
        return rungs::tune::PredictJobMemory(*trial, job, rungs::trial::Prediction::kExact);
      };
    }
    jobs->gate_ = std::make_unique<rungs::exec::MemoryGate>(executor, limits, std::move(hooks));
    return jobs;
  }
  rungs::exec::Executor& executor() { return *gate_; }
  Job Next(uint64_t id) {
    Job job;
    job.id = id;
    job.trial = static_cast<uint32_t>(id);
    job.epochs_to = 1;
    job.config = space_.Sample(rng_);
    return job;
  }

 private:
  GatedJobs(const Options& o, rungs::space::Space space)
      : space_(std::move(space)),
        data_(rungs::trial::DataSpec{.train = o.train, .valid = o.valid}),
        trial_(space_, data_, rungs::trial::TrialOptions{}),
        rng_(1) {}
  rungs::space::Space space_;
  rungs::trial::ClassifierData data_;
  rungs::trial::ClassifierTrial trial_;
  std::mt19937_64 rng_;
  std::unique_ptr<rungs::exec::MemoryGate> gate_;
};

int64_t EpochMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// A job like the scheduler's bottom rung: one epoch of a fresh trial.
Job SyntheticJob(uint64_t id) {
  Job job;
  job.id = id;
  job.trial = static_cast<uint32_t>(id);
  job.epochs_to = 1;
  return job;
}

JobEnvelope EnvelopeFor(const Job& job) {
  JobEnvelope envelope;
  envelope.experiment = "bench-lambda";
  envelope.job = job;
  envelope.config = {{"lr", 0.1}, {"dim", 64}, {"loss", "softmax"}};
  envelope.data.train = "data/train.txt";
  envelope.seed = job.id;
  return envelope;
}

size_t WriteToString(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The endpoint's record of when it answered each job.
Result<std::unordered_map<uint64_t, int64_t>> FetchEnds(const std::string& endpoint) {
  std::string body;
  CURL* curl = curl_easy_init();
  std::string url = endpoint + "/bench/ends";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteToString);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) return rungs::Fail("GET " + url + ": " + curl_easy_strerror(code));
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return rungs::Fail("GET " + url + ": not a JSON object");
  std::unordered_map<uint64_t, int64_t> ends;
  for (const auto& [job, micros] : parsed.items()) ends[std::stoull(job)] = micros.get<int64_t>();
  return ends;
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
  return values[index];
}

Status Run(const Options& o) {
  rungs::exec::LambdaOptions lambda;
  lambda.target.endpoint = o.endpoint;
  lambda.target.function = o.function;
  lambda.target.region = "us-east-1";
  lambda.target.credentials = {"AKIDBENCHMARK", "bench-secret", "", "benchmark"};
  lambda.concurrency = o.in_flight;
  lambda.function_timeout_seconds = 60;
  lambda.memory_mb = o.memory_mb;
  RUNGS_RETURN_IF_ERROR(rungs::exec::CheckLambdaOptions(lambda));
  rungs::exec::LambdaExecutor lambda_executor(lambda, EnvelopeFor);
  rungs::exec::MemoryLimits limits{.per_job = int64_t{lambda.memory_mb} << 20,
                                   .per_job_name = "the Lambda function's memory"};
  std::unique_ptr<GatedJobs> gated;
  if (!o.train.empty()) {
    Result<std::unique_ptr<GatedJobs>> made = GatedJobs::Make(o, lambda_executor, limits);
    if (!made.ok()) return made.error();
    gated = std::move(*made);
  }
  rungs::exec::Executor& executor = gated ? gated->executor() : lambda_executor;
  auto next_job = [&](uint64_t id) { return gated ? gated->Next(id) : SyntheticJob(id); };

  struct Replacement {
    uint64_t ended_job;
    int64_t started_micros;  // when the driver submitted the job taking its place
  };
  std::vector<Replacement> replacements;
  uint64_t next_id = 0;
  size_t running = 0;
  size_t peak_in_flight = 0;
  uint64_t window_done = 0, failed = 0, refused = 0;

  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now();
  Clock::time_point window_start = start + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(o.warmup_seconds));
  Clock::time_point stop = start + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(o.seconds));
  bool in_window = false;
  double cpu_at_window = 0, cpu_at_stop = 0;
  Clock::time_point window_end = stop;

  for (; running < static_cast<size_t>(o.in_flight); ++running) {
    RUNGS_RETURN_IF_ERROR(executor.Submit(next_job(next_id++)));
  }
  const double fill_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  while (running > 0) {
    Result<std::vector<JobResult>> results = executor.Wait(0.05);
    if (!results.ok()) return results.error();
    Clock::time_point now = Clock::now();
    if (!in_window && now >= window_start && now < stop) {
      in_window = true;
      cpu_at_window = CpuSeconds();
    }
    bool submitting = now < stop;
    if (!submitting && in_window && cpu_at_stop == 0) {
      cpu_at_stop = CpuSeconds();
      window_end = now;
    }
    for (const JobResult& result : *results) {
      --running;
      if (result.outcome == rungs::job::Outcome::kRefused) {
        ++refused;  // not invoked: too large for the function
      } else if (result.outcome != rungs::job::Outcome::kOk) {
        ++failed;
        if (failed <= 5) std::fprintf(stderr, "job %llu failed: %s\n",
                                      static_cast<unsigned long long>(result.job), result.error.c_str());
      }
      if (in_window && submitting && result.outcome != rungs::job::Outcome::kRefused) {
        ++window_done;
      }
      if (!submitting) continue;
      RUNGS_RETURN_IF_ERROR(executor.Submit(next_job(next_id++)));
      ++running;
      if (in_window) replacements.push_back({result.job, EpochMicros()});
    }
    peak_in_flight = std::max(peak_in_flight, lambda_executor.counters().in_flight);
  }
  if (!in_window) return rungs::Fail("--seconds must exceed --warmup-seconds by a few seconds");

  auto ends = FetchEnds(o.endpoint);
  if (!ends.ok()) return ends.error();
  std::vector<double> gaps_ms;
  for (const Replacement& r : replacements) {
    auto end = ends->find(r.ended_job);
    if (end != ends->end()) gaps_ms.push_back(static_cast<double>(r.started_micros - end->second) / 1000);
  }

  double window = std::chrono::duration<double>(window_end - window_start).count();
  double rate = static_cast<double>(window_done) / window;
  double ideal = o.in_flight / o.sleep_seconds;
  double cpu = cpu_at_stop - cpu_at_window;
  double cpu_per_1000 = window_done ? cpu / static_cast<double>(window_done) * 1000 : 0;
  rungs::exec::LambdaCounters counters = lambda_executor.counters();
  std::printf("in flight: %d asked, %zu at most on the wire\n", o.in_flight, peak_in_flight);
  std::printf("steady window: %.1f s, %llu invocations, %llu failed jobs, %llu retries\n", window,
              static_cast<unsigned long long>(window_done), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(counters.retries));
  if (gated) {
    std::printf("classifier jobs, %s predictions: %llu refused (too large for %d MB)\n",
                o.predict.c_str(), static_cast<unsigned long long>(refused), lambda.memory_mb);
  }
  std::printf("the first %d jobs submitted in %.2f s\n", o.in_flight, fill_seconds);
  std::printf("invocations/s: %.1f (ideal %.0f: %.1f%%)\n", rate, ideal, 100 * rate / ideal);
  std::printf("driver CPU: %.3f s per 1,000 invocations (%.3f ms each; %.2f cores busy)\n",
              cpu_per_1000, cpu_per_1000, cpu / window);
  std::printf("job end -> next job start: median %.2f ms, p99 %.2f ms, max %.2f ms (%zu jobs)\n",
              Percentile(gaps_ms, 0.5), Percentile(gaps_ms, 0.99), Percentile(gaps_ms, 1.0),
              gaps_ms.size());
  nlohmann::json summary = {
      {"in_flight", o.in_flight}, {"peak_on_wire", peak_in_flight}, {"window_seconds", window},
      {"predict", gated ? o.predict : "none"}, {"refused", refused},
      {"fill_seconds", fill_seconds}, {"memory_mb", o.memory_mb},
      {"invocations", window_done}, {"failed", failed}, {"retries", counters.retries},
      {"invocations_per_second", rate}, {"ideal_per_second", ideal},
      {"cpu_seconds_per_1000", cpu_per_1000},
      {"gap_ms", {{"median", Percentile(gaps_ms, 0.5)}, {"p99", Percentile(gaps_ms, 0.99)},
                  {"max", Percentile(gaps_ms, 1.0)}, {"count", gaps_ms.size()}}}};
  std::printf("%s\n", summary.dump().c_str());
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lambda driver benchmark against bench/lambda/sleep_endpoint.js"};
  Options o;
  app.add_option("--endpoint", o.endpoint, "the endpoint, e.g. http://127.0.0.1:9001")->required();
  app.add_option("--function", o.function, "function name")->capture_default_str();
  app.add_option("--in-flight", o.in_flight, "invocations kept in flight")->capture_default_str();
  app.add_option("--seconds", o.seconds, "how long to start jobs")->capture_default_str();
  app.add_option("--warmup-seconds", o.warmup_seconds, "left out of the figures")->capture_default_str();
  app.add_option("--sleep-seconds", o.sleep_seconds, "the endpoint's sleep, for the ideal rate")
      ->capture_default_str();
  app.add_option("--train", o.train, "classifier jobs on this training file (with --valid)");
  app.add_option("--valid", o.valid, "its validation file");
  app.add_option("--memory-mb", o.memory_mb, "the function's memory")->capture_default_str();
  app.add_option("--predict", o.predict, "the gate's predictions: bound or exact")
      ->check(CLI::IsMember({"bound", "exact"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (o.train.empty() != o.valid.empty()) {
    std::fprintf(stderr, "lambda_bench: --train and --valid go together\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Status status = Run(o);
  if (!status.ok()) {
    std::fprintf(stderr, "lambda_bench: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
