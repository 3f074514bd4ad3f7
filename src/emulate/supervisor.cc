#include "emulate/supervisor.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "emulate/console.h"
#include "emulate/instance_process.h"
#include "emulate/request_checks.h"

extern char** environ;

namespace rungs::emulate {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kKeptLog = 16 * 1024;  // per instance, between invocations
// An instance that ends before asking for work is started again after this.
constexpr auto kRestartDelay = std::chrono::seconds(1);

double Milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::filesystem::path TaskRoot(const EmulatorOptions& options) {
  return options.task_root.empty() ? std::filesystem::current_path() : options.task_root;
}

}  // namespace

struct Supervisor::Invocation {
  RunRequest request;
  Clock::time_point queued;
  // Set once an instance takes it.
  int instance = -1;
  Clock::time_point dispatched;
  Clock::time_point deadline;
  double init_ms = -1;
  // Set once answered.
  bool done = false;
  RunOutcome outcome = RunOutcome::kStopped;
  FunctionAnswer answer;
  std::condition_variable answered;
};

struct Supervisor::Instance {
  int index = 0;
  int runtime_port = 0;
  std::thread thread;  // runs Supervise
  // The rest is guarded by Supervisor::mutex_.
  InstanceProcess* process = nullptr;  // owned by `thread`
  Clock::time_point started;
  bool initialized = false;  // has asked for an invocation since it started
  double init_ms = -1;       // reported with its first invocation
  std::shared_ptr<Invocation> current;
  uint64_t poll_ticket = 0;  // identifies the newest waiting Next
  bool polling = false;      // a Next waits and nobody has woken it yet
  std::string log;           // output since the last invocation ended
  std::string partial_log;   // the start of a line still being written
  std::condition_variable wake;

  std::string held_id() const { return current ? current->request.id : ""; }
};

std::vector<std::string> InstanceEnvironment(const EmulatorOptions& options, int index,
                                             int runtime_port) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string variable = *entry;
    bool aws = variable.rfind("AWS_", 0) == 0 && variable.rfind("AWS_LAMBDA_", 0) != 0 &&
               variable.rfind("AWS_REGION=", 0) != 0 &&
               variable.rfind("AWS_DEFAULT_REGION=", 0) != 0;
    bool system = variable.rfind("PATH=", 0) == 0 || variable.rfind("LD_LIBRARY_PATH=", 0) == 0;
    if (aws || system) env.push_back(variable);
  }
  char date[16];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y/%m/%d", std::gmtime(&now));
  env.insert(env.end(),
             {"AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(runtime_port),
              "AWS_LAMBDA_FUNCTION_NAME=" + options.function_name,
              "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + std::to_string(options.memory_mb),
              "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
              "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + options.function_name,
              "AWS_LAMBDA_LOG_STREAM_NAME=" + std::string(date) + "/[$LATEST]instance" +
                  std::to_string(index),
              "AWS_REGION=" + options.region, "AWS_DEFAULT_REGION=" + options.region,
              "LAMBDA_TASK_ROOT=" + TaskRoot(options).string(), "_HANDLER=bootstrap",
              "TZ=:UTC"});
  env.insert(env.end(), options.environment.begin(), options.environment.end());
  return env;
}

Supervisor::Supervisor(const EmulatorOptions& options) : options_(options) {
  for (int i = 0; i < options_.instances; ++i) {
    instances_.push_back(std::make_unique<Instance>());
    instances_.back()->index = i;
  }
}

Supervisor::~Supervisor() { Stop(); }

void Supervisor::Start(const std::vector<int>& runtime_ports) {
  for (auto& in : instances_) {
    Instance* raw = in.get();
    raw->runtime_port = runtime_ports.at(static_cast<size_t>(raw->index));
    raw->thread = std::thread([this, raw] { Supervise(*raw); });
  }
}

void Supervisor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& in : instances_) {
      Supersede(*in);
      if (in->process) in->process->Kill();
    }
    for (Invocation* invocation : waiting_) invocation->answered.notify_all();
    stop_requested_.notify_all();
  }
  for (auto& in : instances_) {
    if (in->thread.joinable()) in->thread.join();
  }
}

SupervisorStats Supervisor::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SupervisorStats stats = stats_;
  for (const auto& in : instances_) stats.ready += in->process != nullptr && in->initialized;
  return stats;
}

RunResult Supervisor::Run(RunRequest request) {
  auto invocation = std::make_shared<Invocation>();
  invocation->request = std::move(request);
  invocation->queued = Clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) return {};
  waiting_.insert(invocation.get());
  Enqueue(invocation);
  WaitForAnswer(lock, *invocation);
  waiting_.erase(invocation.get());
  if (!invocation->done) return {};
  return {invocation->outcome, std::move(invocation->answer)};
}

void Supervisor::Enqueue(std::shared_ptr<Invocation> invocation) {
  queue_.push_back(std::move(invocation));
  for (auto& in : instances_) {
    if (in->polling) {
      in->polling = false;  // claimed: the next push wakes another instance
      in->wake.notify_all();
      return;
    }
  }
}

void Supervisor::WaitForAnswer(std::unique_lock<std::mutex>& lock, Invocation& invocation) {
  while (!invocation.done && !stopping_) {
    Clock::time_point limit = invocation.instance >= 0
                                  ? invocation.deadline
                                  : invocation.queued + Seconds(options_.timeout_seconds);
    if (Clock::now() >= limit) {
      TimeOut(invocation);
      return;
    }
    invocation.answered.wait_until(lock, limit);
  }
}

void Supervisor::TimeOut(Invocation& invocation) {
  if (invocation.instance < 0) {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->get() == &invocation) {
        queue_.erase(it);
        break;
      }
    }
    Notice(options_.quiet, "no instance took " + invocation.request.id + " within the timeout");
  }
  Finish(invocation, true, TimeoutErrorJson(invocation.request.id, options_.timeout_seconds),
         true);
  if (invocation.instance >= 0) {
    Instance& in = *instances_[static_cast<size_t>(invocation.instance)];
    if (in.current.get() == &invocation) in.current.reset();
    // As on Lambda, a timed-out instance is not reused: it is killed, and started again.
    if (in.process) in.process->Kill();
  }
}

void Supervisor::Finish(Invocation& invocation, bool function_error, std::string body,
                        bool timed_out) {
  const std::string& id = invocation.request.id;
  invocation.done = true;
  invocation.outcome = !timed_out                 ? RunOutcome::kAnswered
                       : invocation.instance >= 0 ? RunOutcome::kTimedOut
                                                  : RunOutcome::kNotTaken;
  invocation.answer.function_error = function_error;
  invocation.answer.body = std::move(body);
  ReportFields report{id, options_.timeout_seconds * 1000, options_.memory_mb, 0,
                      invocation.init_ms, timed_out};
  std::string log;
  if (invocation.instance >= 0) {
    Instance& in = *instances_[static_cast<size_t>(invocation.instance)];
    if (!timed_out) report.duration_ms = Milliseconds(Clock::now() - invocation.dispatched);
    if (in.process) report.max_memory_used_mb = in.process->PeakMemoryMb();
    log = std::move(in.log);
    in.log.clear();
  } else {
    log = StartLine(id) + "\n";
  }
  std::string tail = EndLine(id) + "\n" + ReportLine(report) + "\n";
  log += tail;
  invocation.answer.log = std::move(log);
  if (timed_out) {
    tail += nlohmann::json::parse(invocation.answer.body).value("errorMessage", "") + "\n";
  }
  LogLines(options_.quiet, options_.function_name, invocation.instance, tail);
  invocation.answered.notify_all();
}

void Supervisor::Supersede(Instance& in) {
  ++in.poll_ticket;
  in.polling = false;
  in.wake.notify_all();
}

NextInvocation Supervisor::Next(int instance) {
  Instance& in = *instances_.at(static_cast<size_t>(instance));
  std::unique_lock<std::mutex> lock(mutex_);
  if (std::optional<ErrorAnswer> busy = CheckNext(in.held_id())) return {busy};
  if (!in.initialized) {
    in.initialized = true;
    in.init_ms = Milliseconds(Clock::now() - in.started);
  }
  const uint64_t ticket = ++in.poll_ticket;
  while (true) {
    if (stopping_ || in.poll_ticket != ticket) {
      // The supervisor is stopping, or the process that asked is gone.
      return {RuntimeErrorAnswer(500, "Runtime.Unavailable",
                                 "no more invocations for this request")};
    }
    if (!queue_.empty()) break;
    in.polling = true;
    in.wake.wait(lock, [&] { return !in.polling || stopping_ || in.poll_ticket != ticket; });
  }
  std::shared_ptr<Invocation> invocation = queue_.front();
  queue_.pop_front();
  invocation->instance = in.index;
  invocation->dispatched = Clock::now();
  invocation->deadline = invocation->dispatched + invocation->request.limits.time_to_answer;
  invocation->init_ms = in.init_ms;
  in.init_ms = -1;
  in.current = invocation;
  const std::string start = StartLine(invocation->request.id) + "\n";
  in.log += start;
  invocation->answered.notify_all();  // its waiter now waits for the deadline
  lock.unlock();
  LogLines(options_.quiet, options_.function_name, in.index, start);
  return {std::nullopt, invocation->request.id, invocation->request.payload,
          invocation->request.arn};
}

std::optional<ErrorAnswer> Supervisor::PostAnswer(int instance, const std::string& id,
                                                  std::string body, bool is_error) {
  Instance& in = *instances_.at(static_cast<size_t>(instance));
  std::unique_lock<std::mutex> lock(mutex_);
  if (std::optional<ErrorAnswer> wrong = CheckAnswerId(id, in.held_id())) return wrong;
  if (in.current->request.limits.discard_answer) {
    // Doomed to miss its deadline: the answer is held until the deadline
    // passes and the instance is killed, as if it had come too late.
    std::shared_ptr<Invocation> doomed = in.current;
    doomed->answered.wait(lock, [&] { return doomed->done || stopping_; });
    return RuntimeErrorAnswer(410, "Sandbox.Timedout", "the invocation timed out");
  }
  // What the function printed before it answered is in its log tail, as on
  // Lambda, even when the collecting thread has not read the pipe yet.
  bool ended = false;
  if (in.process) DrainLog(in, *in.process, &ended);
  std::shared_ptr<Invocation> invocation = std::move(in.current);
  in.current.reset();
  if (std::optional<ErrorAnswer> too_large = CheckAnswerSize(body.size())) {
    Finish(*invocation, true,
           FunctionErrorJson("Function.ResponseSizeTooLarge", too_large->message), false);
    return too_large;
  }
  Finish(*invocation, is_error, std::move(body), false);
  return std::nullopt;
}

void Supervisor::PostInitError(int instance, const std::string& report) {
  Instance& in = *instances_.at(static_cast<size_t>(instance));
  std::lock_guard<std::mutex> lock(mutex_);
  Notice(options_.quiet, "instance " + std::to_string(in.index) + " failed to start: " + report);
  // Lambda discards an environment whose init failed; so does the emulator.
  if (in.process) in.process->Kill();
}

bool Supervisor::SleepUnlessStopping(std::unique_lock<std::mutex>& lock) {
  return !stop_requested_.wait_for(lock, kRestartDelay, [this] { return stopping_; });
}

void Supervisor::Supervise(Instance& in) {
  const std::filesystem::path root = TaskRoot(options_);
  while (true) {
    std::unique_ptr<InstanceProcess> process;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stopping_) return;
      // Spawned under the lock, so the instance is registered before it can ask for work.
      Result<std::unique_ptr<InstanceProcess>> spawned = InstanceProcess::Spawn(
          options_.command, InstanceEnvironment(options_, in.index, in.runtime_port), root);
      if (!spawned.ok()) {
        Notice(options_.quiet, spawned.message());
        SleepUnlessStopping(lock);
        continue;
      }
      process = std::move(*spawned);
      in.process = process.get();
      in.started = Clock::now();
      in.initialized = false;
      in.init_ms = -1;
      ++stats_.starts;
    }

    const int status = CollectLogUntilExit(in, *process);
    const std::string how = DescribeExit(status);
    bool died_in_init;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Supersede(in);  // a Next still waiting came from the process that is gone
      if (in.current) {
        ++stats_.crashes;
        std::shared_ptr<Invocation> invocation = std::move(in.current);
        in.current.reset();
        Finish(*invocation, true, ExitErrorJson(invocation->request.id, how), false);
      }
      in.process = nullptr;
      died_in_init = !in.initialized && !stopping_;
      if (died_in_init) {
        Notice(options_.quiet, "instance " + std::to_string(in.index) +
                                   " ended before asking for an invocation (" + how +
                                   "); starting it again in 1 s");
      } else if (!stopping_) {
        Notice(options_.quiet,
               "instance " + std::to_string(in.index) + " ended (" + how + "); starting it again");
      }
    }
    process->Reap();
    process.reset();
    if (died_in_init) {
      std::unique_lock<std::mutex> lock(mutex_);
      SleepUnlessStopping(lock);
    }
  }
}

int Supervisor::CollectLogUntilExit(Instance& in, InstanceProcess& process) {
  bool ended = false;
  auto drain = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    DrainLog(in, process, &ended);
  };
  std::optional<int> status;
  while (!ended && !(status = process.Exited())) {
    process.WaitForLog(std::chrono::milliseconds(50));
    drain();
  }
  if (!status) status = process.WaitExit();
  process.Kill();  // what is left of its group
  for (int i = 0; i < 20 && !ended; ++i) {
    process.WaitForLog(std::chrono::milliseconds(50));
    drain();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!in.partial_log.empty()) AppendLog(in, "\n");
  return *status;
}

void Supervisor::DrainLog(Instance& in, InstanceProcess& process, bool* ended) {
  for (std::string text = process.ReadLogNow(ended); !text.empty();
       text = process.ReadLogNow(ended)) {
    AppendLog(in, text);
  }
}

void Supervisor::AppendLog(Instance& in, const std::string& text) {
  in.partial_log += text;
  size_t last = in.partial_log.rfind('\n');
  if (last == std::string::npos) return;
  std::string lines = in.partial_log.substr(0, last + 1);
  in.partial_log.erase(0, last + 1);
  in.log += lines;
  if (in.log.size() > kKeptLog) in.log.erase(0, in.log.size() - kKeptLog);
  LogLines(options_.quiet, options_.function_name, in.index, lines);
}

}  // namespace rungs::emulate
