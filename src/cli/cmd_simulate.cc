// rungs simulate: runs a scheduler with simulated workers against the
// synthetic objective or a blackbox program and prints one JSON object
// measuring it (driver/simulation.h says what each field means).
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "driver/simulation.h"

namespace rungs::cli {

Command AddSimulateCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "simulate", "run a scheduler against simulated workers and print one JSON report");
  auto o = std::make_shared<driver::SimulationOptions>();
  auto promotion_flag = std::make_shared<std::string>("resume");
  sub->add_option("--scheduler", o->scheduler, "asha-tpe, asha-evo, asha, random, sha or hyperband")
      ->capture_default_str();
  sub->add_option("--scheduler-options", o->scheduler_options,
                  "more scheduler options as a JSON object, e.g. '{\"pasha\": {\"enabled\": "
                  "true}}' (doc/scheduler.md); the flags decide the fields they set")
      ->capture_default_str();
  sub->add_option("--workers", o->workers, "simulated workers (jobs at once)")
      ->capture_default_str();
  sub->add_option("--jobs", o->jobs, "stop after this many jobs")->capture_default_str();
  sub->add_option("--budget-epochs", o->budget_epochs,
                  "stop starting jobs once this many epochs are trained or reserved (0: no limit)")
      ->capture_default_str();
  sub->add_option("--budget-seconds", o->budget_seconds,
                  "start no job after this much virtual time (0: no limit)")
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "seed of the scheduler and the objective")
      ->capture_default_str();
  sub->add_option("--journal", o->journal, "record the run in this SQLite journal (new file)");
  sub->add_flag("--resume", o->resume, "continue the run recorded in --journal");
  sub->add_option("--min-epochs", o->min_epochs, "epochs of the bottom rung (r)")
      ->capture_default_str();
  sub->add_option("--max-epochs", o->max_epochs, "epochs of the top rung (R)")
      ->capture_default_str();
  sub->add_option("--eta", o->eta, "reduction factor")->capture_default_str();
  sub->add_option("--promotion", *promotion_flag, "resume or restart promoted trials")
      ->check(CLI::IsMember({"resume", "restart"}))
      ->capture_default_str();
  sub->add_option("--failure-rate", o->failure_rate,
                  "chance that a job fails (synthetic objective)")
      ->capture_default_str();
  CLI::Option* noise = sub->add_option("--noise", o->noise,
                                       "standard deviation of the metric noise (synthetic objective)")
                           ->capture_default_str();
  CLI::Option* blackbox =
      sub->add_option("--blackbox", o->blackbox,
                      "\"PROGRAM ARGS...\": answers metric and training seconds per configuration "
                      "and epoch (doc/blackbox-protocol.md), instead of the synthetic objective");
  noise->excludes(blackbox);
  sub->add_option("--space", o->space, "the blackbox's search space, a TOML file (doc/space.md)");
  sub->add_option("--blackbox-timeout", o->blackbox_timeout,
                  "seconds to wait for one answer of the blackbox")
      ->capture_default_str();
  return {sub, [o, promotion_flag] {
            o->promotion = *promotion_flag == "restart" ? job::Promotion::kRestart
                                                        : job::Promotion::kResume;
            Result<nlohmann::json> report = driver::RunSimulation(*o);
            if (!report.ok()) return report.status();
            std::printf("%s\n", report->dump().c_str());
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
