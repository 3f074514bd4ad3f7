#include "driver/run_budget.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

namespace rungs::driver {
namespace {

// The largest amount one extension may add: beyond any real budget, and far
// from overflowing what it is added to.
constexpr double kMaxExtension = 1e12;

std::string Number(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

template <typename T>
T Sum(T a, T b) {
  return a > std::numeric_limits<T>::max() - b ? std::numeric_limits<T>::max() : a + b;
}

}  // namespace

RunBudget BudgetOf(const sched::BudgetLimits& limits) {
  RunBudget budget;
  budget.epochs = limits.epochs;
  budget.trials = limits.trials;
  budget.seconds = limits.seconds;
  return budget;
}

std::string BudgetText(const RunBudget& b) {
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (b.epochs > 0) add(std::to_string(b.epochs) + " epochs");
  if (b.trials > 0) add(std::to_string(b.trials) + " trials");
  if (b.seconds > 0) add(Number("%g s", b.seconds));
  if (b.jobs > 0) add(std::to_string(b.jobs) + " jobs");
  if (b.dollars > 0) add(Number("$%g", b.dollars));
  return text.empty() ? "none" : text;
}

std::string BudgetDetail(const BudgetChange& change) {
  const RunBudget& b = change.budget;
  return nlohmann::json{{"budget_epochs", b.epochs}, {"max_trials", b.trials},
                        {"max_seconds", b.seconds},  {"max_jobs", b.jobs},
                        {"budget_dollars", b.dollars}, {"by", change.by}}
      .dump();
}

Result<BudgetChange> ParseBudgetDetail(const std::string& detail, const RunBudget& before) {
  nlohmann::json json = nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Fail("budget_changed event: not a JSON object: " + detail);
  for (std::string key : {"budget_epochs", "max_trials", "max_seconds", "max_jobs", "budget_dollars"}) {
    auto value = json.find(key);
    // Journals written before jobs and dollars were journaled lack them.
    if (value == json.end() && (key == "max_jobs" || key == "budget_dollars")) continue;
    // Bounded so that it converts to the limit's integer type.
    if (value == json.end() || !value->is_number() || !(value->get<double>() >= 0) ||
        value->get<double>() > 9e18) {
      return Fail("budget_changed event: '" + key + "' must be a number in [0, 9e18]");
    }
  }
  BudgetChange change{before, ""};
  change.budget.epochs = json["budget_epochs"].get<int64_t>();
  change.budget.trials = json["max_trials"].get<int64_t>();
  change.budget.seconds = json["max_seconds"].get<double>();
  change.budget.jobs = json.value("max_jobs", before.jobs);
  change.budget.dollars = json.value("budget_dollars", before.dollars);
  if (auto by = json.find("by"); by != json.end() && by->is_string()) change.by = *by;
  return change;
}

Result<RunBudget> ParseExtension(const nlohmann::json& detail) {
  if (!detail.is_object()) return Fail("an extension must be a JSON object");
  RunBudget more;
  for (const auto& [key, value] : detail.items()) {
    const bool whole = key == "epochs" || key == "trials" || key == "jobs";
    if (!whole && key != "seconds" && key != "dollars") {
      return Fail("'" + key + "' is not a budget: extend epochs, seconds, trials, dollars or jobs");
    }
    const bool number = whole ? value.is_number_integer() : value.is_number();
    const double amount = number ? value.get<double>() : 0;
    if (!(amount > 0) || amount > kMaxExtension) {
      return Fail("'" + key + "' must be a " + (whole ? "whole number" : "number") + " > 0 (at most " +
                  Number("%g", kMaxExtension) + ")");
    }
    if (key == "epochs") more.epochs = value.get<int64_t>();
    if (key == "trials") more.trials = value.get<int64_t>();
    if (key == "jobs") more.jobs = value.get<uint64_t>();
    if (key == "seconds") more.seconds = amount;
    if (key == "dollars") more.dollars = amount;
  }
  if (more == RunBudget{}) return Fail("nothing to extend: give epochs, seconds, trials, dollars or jobs");
  return more;
}

Result<RunBudget> Extend(const RunBudget& budget, const RunBudget& more) {
  const std::pair<bool, const char*> lacking[] = {
      {more.epochs > 0 && budget.epochs == 0, "epoch"},
      {more.trials > 0 && budget.trials == 0, "trial"},
      {more.seconds > 0 && budget.seconds == 0, "time"},
      {more.jobs > 0 && budget.jobs == 0, "job"},
      {more.dollars > 0 && budget.dollars == 0, "dollar"}};
  for (const auto& [lacks, kind] : lacking) {
    if (lacks) return Fail(std::string("the run has no ") + kind + " budget");
  }
  return RunBudget{Sum(budget.epochs, more.epochs), Sum(budget.trials, more.trials),
                   budget.seconds + more.seconds, Sum(budget.jobs, more.jobs),
                   budget.dollars + more.dollars};
}

Status ApplyBudget(const BudgetChange& change, uint64_t seq, double now, store::Journal* journal,
                   sched::Scheduler& scheduler) {
  if (journal != nullptr) {
    RUNGS_RETURN_IF_ERROR(
        journal->AddEvent(seq, store::EventKind::kBudgetChanged, BudgetDetail(change), now));
  }
  scheduler.SetBudget(change.budget.scheduler());
  return Status::Ok();
}

}  // namespace rungs::driver
