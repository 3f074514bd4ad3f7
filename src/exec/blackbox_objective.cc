#include "exec/blackbox_objective.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace rungs::exec {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kStderrTailBytes = 2000;
constexpr milliseconds kStopGrace{1000};

std::string CommandText(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::string SecondsText(milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", ms.count() / 1000.0);
  return text;
}

}  // namespace

Result<std::unique_ptr<BlackboxObjective>> BlackboxObjective::Start(space::Space space,
                                                                    BlackboxOptions options) {
  auto child = proc::ChildProcess::Spawn(options.argv, options.stderr_path, proc::Stdin::kPipe);
  if (!child.ok()) return Fail("blackbox: " + child.message());
  return std::unique_ptr<BlackboxObjective>(
      new BlackboxObjective(std::move(space), std::move(options), std::move(*child)));
}

BlackboxObjective::BlackboxObjective(space::Space space, BlackboxOptions options,
                                     std::unique_ptr<proc::ChildProcess> child)
    : space_(std::move(space)), options_(std::move(options)), child_(std::move(child)) {}

BlackboxObjective::~BlackboxObjective() {
  child_->Stop(kStopGrace);
  if (broken_.ok()) {
    std::error_code ignored;
    std::filesystem::remove(options_.stderr_path, ignored);
  }
}

Result<std::vector<job::JobResult>> BlackboxObjective::Train(
    const std::vector<job::Job>& jobs, job::Promotion promotion) {
  std::vector<BlackboxQuery> queries;
  queries.reserve(jobs.size());
  for (const job::Job& job : jobs) {
    int from = promotion == job::Promotion::kResume ? job.epochs_from : 0;
    std::vector<int> epochs = from > 0 ? std::vector<int>{from, job.epochs_to}
                                       : std::vector<int>{job.epochs_to};
    queries.push_back(BlackboxQuery{space_.ToJson(job.config), std::move(epochs)});
  }
  Result<std::vector<BlackboxAnswer>> answers = Ask(queries);
  if (!answers.ok()) return answers.error();

  std::vector<job::JobResult> results;
  results.reserve(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const BlackboxAnswer& answer = (*answers)[i];
    job::JobResult result = job::ResultFor(jobs[i], job::Outcome::kOk);
    result.metric = answer.metrics.back();
    const bool resumed = answer.seconds.size() == 2;
    result.seconds = std::max(0.0, answer.seconds.back() - (resumed ? answer.seconds[0] : 0));
    result.epochs_trained = jobs[i].epochs_to - (resumed ? jobs[i].epochs_from : 0);
    results.push_back(std::move(result));
  }
  return results;
}

Result<std::vector<BlackboxAnswer>> BlackboxObjective::Ask(
    const std::vector<BlackboxQuery>& queries) {
  if (!broken_.ok()) return broken_.error();
  if (queries.empty()) return std::vector<BlackboxAnswer>{};
  Clock::time_point start = Clock::now();
  Result<std::vector<BlackboxAnswer>> answers = Exchange(queries);
  stats_.requests += queries.size();
  stats_.exchanges += 1;
  stats_.seconds += std::chrono::duration<double>(Clock::now() - start).count();
  if (!answers.ok()) {
    broken_ = answers.status();
    child_->Stop(kStopGrace);
  }
  return answers;
}

Result<std::vector<BlackboxAnswer>> BlackboxObjective::Exchange(
    const std::vector<BlackboxQuery>& queries) {
  const uint64_t first = next_id_;
  std::string batch;
  for (const BlackboxQuery& query : queries) {
    batch += BlackboxRequestLine(next_id_++, query);
    batch += '\n';
  }
  if (!child_->Send(batch).ok()) return Ended(first);

  std::vector<BlackboxAnswer> answers;
  answers.reserve(queries.size());
  Clock::time_point deadline = Clock::now() + options_.timeout;
  bool ended = false;  // once the program is gone, read what it left, then fail
  while (answers.size() < queries.size()) {
    const uint64_t id = first + answers.size();
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 && !ended) {
      return ProgramError("gave no answer to request " + std::to_string(id) + " within " +
                          SecondsText(options_.timeout) + " s");
    }
    for (const std::string& line : child_->ReadLines(ended ? milliseconds(0) : left)) {
      const std::string where = "stdout line " + std::to_string(++stdout_lines_);
      if (answers.size() == queries.size()) {
        return ProgramError(where + " answers no request: " + QuoteBlackboxLine(line));
      }
      const uint64_t line_id = first + answers.size();
      Result<BlackboxAnswer> answer =
          ParseBlackboxAnswer(line, line_id, queries[answers.size()].epochs.size());
      if (!answer.ok()) {
        return ProgramError(where + " (the answer to request " + std::to_string(line_id) +
                            "): " + answer.message());
      }
      answers.push_back(std::move(*answer));
      deadline = Clock::now() + options_.timeout;
    }
    if (answers.size() == queries.size()) break;
    if (ended) return Ended(first + answers.size());
    ended = !child_->stdout_open() || child_->TryReap().has_value();
  }
  return answers;
}

Error BlackboxObjective::ProgramError(const std::string& problem) const {
  std::string message = "blackbox '" + CommandText(options_.argv) + "': " + problem;
  std::string tail = proc::FileTail(options_.stderr_path, kStderrTailBytes);
  if (!tail.empty()) {
    message += "\nits stderr (" + options_.stderr_path.string() + ") ends with:\n" + tail;
  }
  return Fail(message);
}

Error BlackboxObjective::Ended(uint64_t id) {
  std::optional<proc::ExitStatus> exit = child_->TryReap();
  // A program closes its stdout as it ends: give it a moment to be gone.
  for (Clock::time_point until = Clock::now() + kStopGrace;
       !exit && !child_->stdout_open() && Clock::now() < until;) {
    child_->ReadLines(milliseconds(50));
    exit = child_->TryReap();
  }
  std::string how = exit ? exit->Describe()
                         : (child_->stdout_open() ? "stopped reading its stdin"
                                                  : "closed its stdout");
  return ProgramError(how + " before answering request " + std::to_string(id));
}

}  // namespace rungs::exec
