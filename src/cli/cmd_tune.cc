// rungs tune [EXPERIMENT.toml] [flags]: tunes the built-in classifier on local
// workers or AWS Lambda (--executor lambda). Flags override the experiment file; --resume DIR continues an
// experiment that was stopped or killed. Ctrl-C stops starting jobs and
// finishes the running ones (a second Ctrl-C quits at once; --resume
// continues); SIGUSR1 switches evolution on by hand.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <malloc.h>
#include <memory>
#include <unistd.h>

#include "base/byte_size.h"
#include "cli/command.h"
#include "dashboard/dashboard_server.h"
#include "tune/experiment_dir.h"
#include "tune/tune_options.h"
#include "tune/tune_run.h"

namespace rungs::cli {
namespace {

volatile std::sig_atomic_t g_interrupts = 0;
volatile std::sig_atomic_t g_evolve = 0;

void OnInterrupt(int) {
  g_interrupts = g_interrupts + 1;
  if (g_interrupts < 2) return;  // the run says it is stopping (tune/search_loop.h)
  static const char kAbandoned[] =
      "\nrungs tune: stopped at once; the running jobs are abandoned (--resume continues)\n";
  (void)!::write(STDERR_FILENO, kAbandoned, sizeof kAbandoned - 1);
  _exit(130);  // the journal is committed: --resume continues
}
void OnEvolve(int) { g_evolve = 1; }

// Jobs allocate their input matrices in chunks of 1024 rows (a few hundred
// KB at dim 100, text/lazy_matrix.h) and free them when the job ends, in any
// order. glibc raises its mmap threshold after the first such block is
// freed, so later ones come from the heap arenas, where freed blocks between
// live ones are kept rather than given back: a tune process's resident
// memory then grows job after job beyond what it holds (the memory budget,
// --memory, counts what it holds). A fixed threshold keeps blocks of 256 KB
// and more as their own mappings, returned to the kernel when freed.
void ReturnLargeBlocksWhenFreed() { mallopt(M_MMAP_THRESHOLD, 256 << 10); }

// Flags as given. The options of the experiment come from its table
// (tune::kTuneOptions): each one given replaces the experiment file's value.
struct TuneFlags {
  std::string experiment_file;
  std::string resume;
  CLI::Option* dashboard = nullptr;  // given: serve the dashboard beside the run
  std::string dashboard_address;
  bool dashboard_allow_remote = false;
  bool quiet = false, json = false, options_markdown = false;
  struct Option {
    const tune::TuneOption* option = nullptr;
    CLI::Option* flag = nullptr;
    std::vector<std::string> values;
    bool on = false;  // a switch
  };
  std::deque<Option> options;  // stable addresses: CLI11 writes into them

  std::vector<tune::GivenFlag> Given() const {
    std::vector<tune::GivenFlag> given;
    for (const Option& o : options) {
      if (o.flag->count() > 0) given.push_back({o.option, o.values});
    }
    return given;
  }
  // Whether any of the options with these keys was given.
  bool Gives(std::initializer_list<std::string_view> keys) const {
    for (const tune::GivenFlag& flag : Given()) {
      if (std::find(keys.begin(), keys.end(), flag.option->key) != keys.end()) return true;
    }
    return false;
  }
};

Result<tune::TuneSpec> SpecFrom(const TuneFlags& f) {
  tune::TuneSpec spec;
  if (!f.resume.empty()) {
    auto saved = tune::ReadSavedSpec(f.resume);
    if (!saved.ok()) return Fail("--resume: " + saved.message());
    spec = *saved;
  } else if (!f.experiment_file.empty()) {
    auto read = tune::ReadTuneSpec(f.experiment_file);
    if (!read.ok()) return read.error();
    spec = *read;
  }
  RUNGS_RETURN_IF_ERROR(tune::ApplyFlags(f.Given(), /*resuming=*/!f.resume.empty(), spec));
  return spec;
}

// The budgets the flags give (0: not given): on --resume, the new totals.
// (SpecFrom refused the flags a resume may not give.)
Result<driver::RunBudget> BudgetFlags(const TuneFlags& f) {
  tune::TuneSpec given;  // every budget 0
  RUNGS_RETURN_IF_ERROR(tune::ApplyFlags(f.Given(), /*resuming=*/false, given));
  return tune::BudgetOf(given);
}

// One flag per option of the table, with its default in the help.
void AddOptionFlags(CLI::App* sub, TuneFlags& f) {
  const nlohmann::json defaults = tune::SpecToJson(tune::TuneSpec{});
  for (const tune::TuneOption& option : tune::kTuneOptions) {
    const tune::FlagKind kind = tune::FlagKindOf(option);
    if (kind == tune::FlagKind::kNone) continue;
    TuneFlags::Option& o = f.options.emplace_back();
    o.option = &option;
    const std::string name = tune::FlagName(option), help(option.help);
    if (kind == tune::FlagKind::kSwitch) {
      o.flag = sub->add_flag(name, o.on, help);
      continue;
    }
    o.flag = sub->add_option(name, o.values, help);
    if (kind == tune::FlagKind::kList) {
      o.flag->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    } else {
      o.flag->expected(1);
    }
    auto value = defaults.find(std::string(option.key));
    if (value != defaults.end() && !(value->is_string() && value->get<std::string>().empty())) {
      o.flag->default_str(value->is_string() ? value->get<std::string>() : value->dump());
    }
  }
}

void PrintSummary(const tune::TuneSummary& s, const tune::TuneSpec& spec, bool json) {
  if (json) {
    nlohmann::json j = {{"event", "finished"}, {"out", s.out}, {"trials", s.trials},
                        {"jobs", s.jobs}, {"refused", s.refused}, {"epochs", s.epochs},
                        {"seconds", s.seconds},
                        {"stopped_because", driver::StopReasonName(s.stopped_because)},
                        {"refit", s.refit}};
    if (s.best) {
      j["best"] = {{"trial", s.best->trial}, {"epochs", s.best->epochs}, {"valid", s.best->metric}};
      if (s.cross_checked) {
        j["best"]["cross_validated"] = *s.cross_checked;
        j["best"]["cross_checked_trials"] = s.cross_checked_of;
      }
    }
    if (s.test_metric) j["test"] = *s.test_metric;
    if (s.ftz_bytes) {
      j["ftz"] = {{"bytes", *s.ftz_bytes}};
      if (s.ftz_test_metric) j["ftz"]["test"] = *s.ftz_test_metric;
    }
    if (!s.ftz_error.empty()) j["ftz_error"] = s.ftz_error;
    if (s.preprocessing) j["preprocessing"] = text::PreprocessingName(*s.preprocessing);
    if (s.lambda) j["cost"] = {{"gb_seconds", s.gb_seconds}, {"dollars", s.dollars}};
    if (s.kept) j["kept_outputs"] = true;
    if (!s.data_changed.empty()) j["data_changed"] = s.data_changed;
    if (!s.failures.empty()) {
      nlohmann::json failures = nlohmann::json::object();
      for (const auto& [kind, count] : s.failures) failures[kind] = count;
      j["failures"] = failures;
    }
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("rungs tune: %llu trials, %llu jobs, %lld epochs in %.0f s (%s)\n",
              static_cast<unsigned long long>(s.trials), static_cast<unsigned long long>(s.jobs),
              static_cast<long long>(s.epochs), s.seconds,
              std::string(driver::StopReasonText(s.stopped_because)).c_str());
  if (!s.failures.empty()) {
    std::printf("jobs not finished ok: %s\n", tune::FailureCounts(s.failures).c_str());
  }
  if (s.kept) {
    std::printf("nothing more to search: the outputs of the finished run are kept (a larger "
                "--budget-seconds, --budget-epochs or --max-trials searches on; --no-refit or "
                "--cross-check makes the end again)\n");
  }
  if (!s.data_changed.empty()) {
    std::printf("note: the kept outputs were made from the data as it was: %s\n",
                s.data_changed.c_str());
  }
  if (s.lambda) std::printf("Lambda cost $%.4f (%.1f GB-s)\n", s.dollars, s.gb_seconds);
  if (s.refused > 0) {
    // --max-model-size refuses configurations too (trial/classifier_trial.cc).
    const std::string limits =
        spec.max_model_size.empty() ? "the memory"
                                    : "the memory or --max-model-size " + spec.max_model_size;
    std::printf("%llu jobs refused: they would not fit %s (why: %s/trials.csv)\n",
                static_cast<unsigned long long>(s.refused), limits.c_str(), s.out.c_str());
  }
  if (!s.best) {
    std::printf("no trial finished: see %s/trials.csv\n", s.out.c_str());
    return;
  }
  std::printf("best validation %s %.4f (trial %u, %d epochs)\n", spec.metric.c_str(), s.best->metric,
              s.best->trial, s.best->epochs);
  if (s.cross_checked) {
    std::printf("cross-validated %s %.4f (the best of %zu trials on folds of train + validation)\n",
                spec.metric.c_str(), *s.cross_checked, s.cross_checked_of);
  }
  if (s.test_metric) {
    std::printf("test %s %.4f%s\n", spec.metric.c_str(), *s.test_metric,
                s.refit ? " (refit on train + validation)" : "");
  }
  if (s.preprocessing) {
    std::printf("preprocessing: %s\n", text::DescribePreprocessing(*s.preprocessing).c_str());
  }
  if (!s.ftz_error.empty()) std::printf("best.ftz not written: %s\n", s.ftz_error.c_str());
  if (s.ftz_bytes) {
    std::printf("quantized: %s/best.ftz (%s)", s.out.c_str(), ByteSizeText(*s.ftz_bytes).c_str());
    if (s.ftz_test_metric) std::printf(", test %s %.4f", spec.metric.c_str(), *s.ftz_test_metric);
    std::printf("\n");
  }
  // A command's models are its own, in its trials' folders (trial/command_trial.h).
  if (spec.command.empty()) {
    std::printf("model:  %s/best.bin\n", s.out.c_str());
  } else {
    std::printf("trial:  %s/trials/trial-%u (the command's own files)\n", s.out.c_str(),
                s.best->trial);
  }
  std::printf("config: %s/best.toml\nreport: %s/report.html\n", s.out.c_str(), s.out.c_str());
}

// The dashboard of the experiment in `out`, which may not exist yet: the
// page shows it once the run has created its journal.
Result<std::unique_ptr<dashboard::DashboardServer>> StartDashboard(const TuneFlags& f,
                                                                   const std::string& out) {
  dashboard::DashboardOptions options;
  Status address = dashboard::ParseAddress(f.dashboard_address, options);
  if (!address.ok()) return Fail("--dashboard: " + address.message());
  options.allow_remote = f.dashboard_allow_remote;
  if (out.empty()) return Fail("--dashboard needs the output folder: give --out DIR");
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) return Fail("--out " + out + ": " + error.message());
  std::signal(SIGPIPE, SIG_IGN);  // a browser may hang up mid-stream
  auto server = dashboard::DashboardServer::Start({out}, options);
  if (!server.ok()) return Fail("--dashboard: " + server.message());
  if (!dashboard::IsLoopback(options.host)) {
    std::fprintf(stderr,
                 "warning: the dashboard listens on %s, not loopback: anyone who can reach it "
                 "sees this experiment (steering still needs the token)\n",
                 options.host.c_str());
  }
  std::fprintf(stderr, "dashboard: %s\n", (*server)->url().c_str());
  return server;
}

}  // namespace

Command AddTuneCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("tune", "tune the built-in classifier on local workers or AWS Lambda");
  auto f = std::make_shared<TuneFlags>();
  // A flag given twice takes its last value, so scripts can append overrides.
  sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  sub->add_option("experiment", f->experiment_file, "experiment TOML file (flags override it)");
  AddOptionFlags(sub, *f);
  sub->add_option("--resume", f->resume, "continue the experiment in this output folder");
  f->dashboard = sub->add_option("--dashboard", f->dashboard_address,
                                 "serve the live dashboard beside the run, on [HOST][:PORT] "
                                 "(default 127.0.0.1, a free port); prints its URL")
                     ->expected(0, 1);
  sub->add_flag("--dashboard-allow-remote", f->dashboard_allow_remote,
                "allow a non-loopback --dashboard address");
  sub->add_flag("--quiet", f->quiet, "no progress output");
  sub->add_flag("--json", f->json, "progress and summary as JSON lines");
  // Prints doc/tune-options.md, the reference generated from the table.
  sub->add_flag("--options-markdown", f->options_markdown)->group("");
  return {sub, [f]() -> Status {
            if (f->options_markdown) {
              std::printf("%s", tune::OptionsMarkdown().c_str());
              return Status::Ok();
            }
            Result<tune::TuneSpec> spec = SpecFrom(*f);
            if (!spec.ok()) return spec.status();
            std::unique_ptr<dashboard::DashboardServer> server;
            if (f->dashboard->count() > 0) {
              Result<std::unique_ptr<dashboard::DashboardServer>> started = StartDashboard(*f, spec->out);
              if (!started.ok()) return started.status();
              server = std::move(*started);
            }
            ReturnLargeBlocksWhenFreed();
            std::signal(SIGINT, OnInterrupt);
            // timeout, docker stop and systemd ask with SIGTERM: the run
            // stops as on Ctrl-C and writes its outputs.
            std::signal(SIGTERM, OnInterrupt);
            std::signal(SIGUSR1, OnEvolve);
            tune::RunControl control;
            control.resume = !f->resume.empty();
            if (control.resume) {
              Result<driver::RunBudget> flags = BudgetFlags(*f);
              if (!flags.ok()) return flags.status();
              control.budget_flags = *flags;
              control.remake_end = f->Gives({"refit", "cross-check"});
            }
            control.progress = f->json    ? tune::ProgressMode::kJson
                               : f->quiet ? tune::ProgressMode::kQuiet
                                          : tune::ProgressMode::kAuto;
            control.stop_requested = [] { return g_interrupts > 0; };
            control.evolution_requested = [] { return g_evolve != 0; };
            Result<tune::TuneSummary> summary = tune::RunTune(*spec, control);
            if (!summary.ok()) return summary.status();
            PrintSummary(*summary, *spec, f->json);
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
