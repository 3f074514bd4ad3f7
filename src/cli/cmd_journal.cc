// rungs journal check DIR|FILE: replays a whole journal into a fresh
// scheduler, as a resume does (driver/replay.h), and says whether every
// recorded job is the job the rebuilt scheduler issues at that point and
// every result belongs to a running job (so none is doubled). A resume only
// replays what earlier runs wrote; this also checks the last run's calls,
// which is what the chaos test (bench/chaos) needs after its final run.
// Hidden: a diagnostic, documented in doc/journal.md. Writes nothing.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "driver/replay.h"
#include "driver/scheduler_from_record.h"
#include "tune/experiment_dir.h"

namespace rungs::cli {
namespace {

struct JournalCheckOptions {
  std::string path;  // an experiment folder or a journal file
  bool json = false;
};

Status CheckJournal(const JournalCheckOptions& o) {
  std::string path = std::filesystem::is_directory(o.path) ? tune::JournalPath(o.path) : o.path;
  Result<store::Journal> journal = store::Journal::Open(path);
  if (!journal.ok()) return journal.error();
  Result<driver::Replayed> replayed = driver::Replay(*journal, driver::MakeSchedulerFromRecord);
  if (!replayed.ok()) return replayed.error();
  const driver::ResumePoint& r = replayed->resume;
  std::optional<sched::Best> best = replayed->scheduler->best();
  if (o.json) {
    nlohmann::json report = {{"journal", path},
                             {"jobs", r.jobs},
                             {"trials", r.trials},
                             {"results", r.results},
                             {"outstanding", r.outstanding.size()},
                             {"seconds", r.now},
                             {"next_seq", r.next_seq}};
    if (best) {
      report["best"] = {{"trial", best->trial}, {"rung", best->rung}, {"epochs", best->epochs},
                        {"metric", best->metric}};
    }
    std::printf("%s\n", report.dump().c_str());
    return Status::Ok();
  }
  std::printf("%s: replays exactly: %llu jobs (%llu trials), %llu results, %zu outstanding, "
              "%.1f s of experiment time\n",
              path.c_str(), static_cast<unsigned long long>(r.jobs),
              static_cast<unsigned long long>(r.trials), static_cast<unsigned long long>(r.results),
              r.outstanding.size(), r.now);
  return Status::Ok();
}

}  // namespace

Command AddJournalCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("journal", "inspect an experiment's journal");
  group->group("");  // hidden from rungs --help
  group->require_subcommand(1);
  CLI::App* sub = group->add_subcommand(
      "check", "replay a whole journal into a fresh scheduler and check it matches");
  auto o = std::make_shared<JournalCheckOptions>();
  sub->add_option("path", o->path, "an experiment's output folder, or its journal file")
      ->required();
  sub->add_flag("--json", o->json, "print the counts as one JSON object");
  return {group, [o]() { return CheckJournal(*o); }};  // check is its only subcommand
}

}  // namespace rungs::cli
