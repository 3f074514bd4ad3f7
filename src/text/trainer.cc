#include "text/trainer.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <random>
#include <sstream>
#include <thread>

#include "text/memory_estimate.h"
#include "text/vec_ops.h"

namespace rungs::text {
namespace {

using Clock = std::chrono::steady_clock;

uint32_t RngState(const std::minstd_rand& rng) {
  std::ostringstream out;
  out << rng;
  return static_cast<uint32_t>(std::stoul(out.str()));
}

std::string Mib(int64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

// What every worker thread shares during one Train call.
struct Shared {
  Shared(const Encoded& d, Model& m) : data(d), model(m) {}
  const Encoded& data;
  Model& model;
  std::vector<int32_t> order;  // example order
  int64_t end_tokens = 0;      // stop once the global count reaches this
  int64_t schedule_begin = 0;  // tokens where the schedule starts / ends
  int64_t schedule_end = 1;
  double lr_start = 0;
  double lr_end = 0;
  std::atomic<int64_t> tokens_done{0};
  std::atomic<bool> stop{false};
  // TrainControl::cancel, read by the workers too: with many more threads
  // than cores, waiting for the calling thread to be scheduled and relay it
  // would hold every worker for another turn.
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<bool> diverged{false};
  std::atomic<double> thread0_loss{0};
};

// The learning rate at global position `tokens`, computed as fastText does
// (progress in float) so the default schedule gives fastText's rates.
float LearningRate(const Shared& s, int64_t tokens) {
  float progress = static_cast<float>(tokens - s.schedule_begin) /
                   static_cast<float>(s.schedule_end - s.schedule_begin);
  progress = std::clamp(progress, 0.0f, 1.0f);
  return static_cast<float>(s.lr_start * (1.0 - progress) + s.lr_end * progress);
}

// One Hogwild worker: fastText's trainThread over encoded examples. `saved`
// is copied in and out: the threads' positions sit side by side in one
// vector, and writing them at every example made the cores fight over one
// cache line (2 threads trained ova slower than 1: bench/RESULTS.md).
void RunWorker(Shared& s, int thread_id, ThreadPosition& saved) {
  ThreadPosition pos = saved;
  Model& model = s.model;
  const LossLayer& loss_layer = model.loss();
  LazyMatrix& wi = model.mutable_input();
  Matrix& wo = model.mutable_output();
  const int64_t dim = wi.cols();
  const int64_t n = static_cast<int64_t>(s.order.size());
  const int64_t lr_update_rate = model.args().lr_update_rate;
  const bool all_labels = model.args().loss == Loss::kOva;
  std::vector<float> hidden(dim), grad(dim), output(wo.rows());
  std::vector<float*> rows;  // the example's input rows, made on first use
  std::minstd_rand rng(pos.rng_state);

  while (!s.stop.load(std::memory_order_relaxed) &&
         !(s.cancel != nullptr && s.cancel->load(std::memory_order_relaxed))) {
    const int64_t done = s.tokens_done.load(std::memory_order_relaxed);
    if (done >= s.end_tokens) break;
    const float lr = LearningRate(s, done);
    const int32_t example = s.order[pos.cursor];
    pos.cursor = pos.cursor + 1 == n ? 0 : pos.cursor + 1;
    pos.local_tokens += s.data.ntokens[example];

    const auto inputs = s.data.Inputs(example);
    const auto labels = s.data.Labels(example);
    if (!inputs.empty() && !labels.empty()) {
      int32_t target = 0;
      if (!all_labels) {
        std::uniform_int_distribution<> pick(0, static_cast<int>(labels.size()) - 1);
        target = pick(rng);
      }
      rows.clear();
      for (int32_t row : inputs) rows.push_back(wi.MutableRow(row));
      MeanOfRows(rows, hidden.data(), dim);
      Zero(grad.data(), dim);
      const float loss = loss_layer.Forward(labels, target, hidden.data(), grad.data(),
                                            output.data(), wo, lr, rng);
      if (!std::isfinite(loss)) {
        s.diverged.store(true);
        s.stop.store(true);
        break;
      }
      pos.loss_sum += loss;
      ++pos.loss_examples;
      Scale(grad.data(), static_cast<float>(1.0 / static_cast<double>(inputs.size())), dim);
      for (float* row : rows) AddTo(row, grad.data(), dim);
    }
    if (pos.local_tokens > lr_update_rate) {
      s.tokens_done.fetch_add(pos.local_tokens, std::memory_order_relaxed);
      pos.local_tokens = 0;
      if (thread_id == 0) {
        s.thread0_loss.store(pos.loss_sum / std::max<int64_t>(1, pos.loss_examples),
                             std::memory_order_relaxed);
      }
    }
  }
  pos.rng_state = RngState(rng);
  saved = pos;
}

}  // namespace

std::shared_ptr<const RowSource> InitialInputRows(const TrainArgs& args) {
  return std::make_shared<UniformRows>(args.dim, static_cast<float>(1.0 / args.dim), args.seed);
}

Result<Checkpoint> StartTraining(const Encoded& data, const TrainArgs& args) {
  RUNGS_RETURN_IF_ERROR(args.Validate());
  const Dictionary& dict = *data.dict;
  if (!(dict.args() == args.dict)) {
    return Fail("training data was encoded with other dictionary options than the args give");
  }
  if (dict.nlabels() == 0) return Fail("training data has no label");
  // At most every input id is a distinct row: a bound that needs no pass
  // over the data (memory_estimate.h gives the expected figure).
  CorpusStats bound;
  bound.nlabels = dict.nlabels();
  bound.input_rows = dict.InputRows();
  bound.used_rows = std::min<int64_t>(dict.InputRows(), static_cast<int64_t>(data.inputs.size()));
  const MemoryEstimate weights = EstimateTrainingMemory(args, bound);
  const int64_t bytes = weights.input + weights.output;
  if (bytes > args.memory_limit_bytes) {
    return Fail("weight matrices need up to " + Mib(bytes) + " (" +
                std::to_string(bound.used_rows) + " of " + std::to_string(dict.nwords()) +
                " words + " + std::to_string(dict.bucket()) + " buckets, and " +
                std::to_string(dict.nlabels()) + " labels, x dim " + std::to_string(args.dim) +
                " floats), above the memory limit of " + Mib(args.memory_limit_bytes));
  }
  LazyMatrix input(dict.InputRows(), args.dim, InitialInputRows(args));
  Matrix output(dict.nlabels(), args.dim);
  const int threads = args.thread;
  Result<Model> model = Model::Create(args, data.dict, std::move(input), std::move(output));
  if (!model.ok()) return model.error();
  return Checkpoint{std::move(model).value(), 0, StartPositions(data, threads, args.seed)};
}

std::vector<ThreadPosition> StartPositions(const Encoded& data, int threads, int seed) {
  std::vector<ThreadPosition> positions;
  for (int t = 0; t < threads; ++t) {
    ThreadPosition pos;
    pos.cursor = data.size() * t / threads;
    pos.rng_state = RngState(std::minstd_rand(t + seed));
    positions.push_back(pos);
  }
  return positions;
}

Result<TrainReport> Train(const Encoded& data, const LrSchedule& schedule, double to_epoch,
                          Checkpoint& checkpoint, const TrainControl& control) {
  const Clock::time_point start = Clock::now();
  Model& model = checkpoint.model;
  const TrainArgs& args = model.args();
  if (data.dict != model.shared_dict()) {
    return Fail("training data was encoded with another dictionary than the checkpoint's");
  }
  if (static_cast<int>(checkpoint.threads.size()) != args.thread) {
    return Fail("checkpoint has " + std::to_string(checkpoint.threads.size()) +
                " thread positions but -thread is " + std::to_string(args.thread));
  }
  for (const ThreadPosition& pos : checkpoint.threads) {
    if (pos.cursor < 0 || pos.cursor >= data.size()) {
      return Fail("checkpoint thread cursor " + std::to_string(pos.cursor) +
                  " is outside the training data (" + std::to_string(data.size()) + " examples)");
    }
  }
  const double total = static_cast<double>(data.total_tokens);
  Shared s(data, model);
  s.end_tokens = std::llround(to_epoch * total);
  s.schedule_begin = std::llround(schedule.epoch_start * total);
  s.schedule_end = std::llround(schedule.epoch_end * total);
  if (s.schedule_end <= s.schedule_begin) {
    return Fail("learning-rate schedule must end after it starts (epochs " +
                std::to_string(schedule.epoch_start) + " to " + std::to_string(schedule.epoch_end) + ")");
  }
  s.lr_start = schedule.lr_start;
  s.lr_end = schedule.lr_end;
  s.cancel = control.cancel;
  s.tokens_done.store(checkpoint.tokens_done);
  s.order.resize(data.size());
  std::iota(s.order.begin(), s.order.end(), 0);
  if (!args.keep_order) std::shuffle(s.order.begin(), s.order.end(), std::mt19937_64(args.seed));

  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;  // GUARDED_BY(mu)
  std::vector<std::thread> workers;
  for (int t = 0; t < args.thread; ++t) {
    workers.emplace_back([&, t] {
      RunWorker(s, t, checkpoint.threads[t]);
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
      cv.notify_one();
    });
  }

  TrainStop stop = TrainStop::kDone;
  auto progress = [&] {
    const int64_t tokens = s.tokens_done.load(std::memory_order_relaxed);
    TrainProgress p;
    p.tokens_done = tokens;
    p.epoch = tokens / total;
    p.lr = LearningRate(s, tokens);
    p.loss = s.thread0_loss.load(std::memory_order_relaxed);
    p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    control.on_progress(p);
  };
  Clock::time_point last_progress = start;
  const auto poll = std::min<Clock::duration>(control.progress_interval, std::chrono::milliseconds(10));
  {
    std::unique_lock<std::mutex> lock(mu);
    while (finished < args.thread) {
      cv.wait_for(lock, poll);
      const Clock::time_point now = Clock::now();
      if (stop == TrainStop::kDone) {
        if (control.cancel != nullptr && control.cancel->load()) stop = TrainStop::kCancelled;
        if (control.deadline && now >= *control.deadline) stop = TrainStop::kDeadline;
        if (stop != TrainStop::kDone) s.stop.store(true);
      }
      if (control.on_progress && now - last_progress >= control.progress_interval) {
        last_progress = now;
        lock.unlock();
        progress();
        lock.lock();
      }
    }
  }
  for (std::thread& w : workers) w.join();
  if (control.on_progress) progress();

  checkpoint.tokens_done = s.tokens_done.load();
  // The workers may have seen the cancel before this thread did.
  if (stop == TrainStop::kDone && checkpoint.tokens_done < s.end_tokens &&
      control.cancel != nullptr && control.cancel->load()) {
    stop = TrainStop::kCancelled;
  }
  TrainReport report;
  report.stop = s.diverged.load() ? TrainStop::kDiverged : stop;
  report.tokens_done = checkpoint.tokens_done;
  report.epoch = checkpoint.tokens_done / total;
  double loss_sum = 0;
  int64_t examples = 0;
  for (const ThreadPosition& pos : checkpoint.threads) {
    loss_sum += pos.loss_sum;
    examples += pos.loss_examples;
  }
  report.loss = examples > 0 ? loss_sum / examples : 0;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  switch (report.stop) {
    case TrainStop::kDone: break;
    case TrainStop::kCancelled: report.message = "training cancelled"; break;
    case TrainStop::kDeadline: report.message = "training stopped at its deadline"; break;
    case TrainStop::kDiverged:
      report.message = "training diverged (loss is not finite) at epoch " +
                       std::to_string(report.epoch) + "; try a smaller -lr";
      break;
  }
  return report;
}

}  // namespace rungs::text
