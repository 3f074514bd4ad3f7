// rungs tune [EXPERIMENT.toml] [flags]: tunes the built-in classifier on local
// workers or AWS Lambda (--executor lambda). Flags override the experiment file; --resume DIR continues an
// experiment that was stopped or killed. Ctrl-C stops starting jobs and
// finishes the running ones (a second Ctrl-C quits at once; --resume
// continues); SIGUSR1 switches evolution on by hand.
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <unistd.h>

#include "cli/command.h"
#include "tune/tune_run.h"

namespace rungs::cli {
namespace {

volatile std::sig_atomic_t g_interrupts = 0;
volatile std::sig_atomic_t g_evolve = 0;

void OnInterrupt(int) {
  if (++g_interrupts >= 2) _exit(130);  // the journal is committed: --resume continues
}
void OnEvolve(int) { g_evolve = 1; }

// Flags as given; each one set replaces the experiment file's value.
struct TuneFlags {
  std::string experiment_file;
  std::string resume;
  std::optional<std::string> train, valid, test, dataset, data_dir, command, metric, scheduler, out,
      space, promotion, format, label, label_column, executor, function, qualifier, region,
      endpoint_url;
  std::vector<std::string> text_columns;
  std::optional<double> valid_fraction, budget_seconds, function_timeout, price_per_gb_second,
      budget_dollars;
  std::optional<int64_t> budget_epochs, max_trials, checkpoint_memory_mb;
  std::optional<int> workers, threads, min_epochs, max_epochs, eta, concurrency, memory_mb;
  std::optional<uint64_t> seed;
  bool no_header = false, refit = false, minimize = false, quiet = false, json = false;
};

template <class T>
void Override(T& field, const std::optional<T>& flag) {
  if (flag) field = *flag;
}

Result<tune::TuneSpec> SpecFrom(const TuneFlags& f) {
  tune::TuneSpec spec;
  if (!f.resume.empty()) {
    auto saved = tune::ReadSavedSpec(f.resume);
    if (!saved.ok()) return Fail("--resume: " + saved.message());
    spec = *saved;
    // Only how it runs may change; what it searches must stay as journaled.
    spec.workers = f.workers.value_or(spec.workers);
    spec.threads = f.threads.value_or(spec.threads);
    spec.concurrency = f.concurrency.value_or(spec.concurrency);
    return spec;
  }
  if (!f.experiment_file.empty()) {
    auto read = tune::ReadTuneSpec(f.experiment_file);
    if (!read.ok()) return read.error();
    spec = *read;
  }
  Override(spec.train, f.train);
  Override(spec.valid, f.valid);
  Override(spec.test, f.test);
  Override(spec.dataset, f.dataset);
  Override(spec.data_dir, f.data_dir);
  Override(spec.command, f.command);
  if (f.minimize) spec.minimize = true;
  Override(spec.metric, f.metric);
  Override(spec.scheduler, f.scheduler);
  Override(spec.out, f.out);
  Override(spec.space_file, f.space);
  Override(spec.promotion, f.promotion);
  Override(spec.valid_fraction, f.valid_fraction);
  Override(spec.budget_seconds, f.budget_seconds);
  Override(spec.budget_epochs, f.budget_epochs);
  Override(spec.max_trials, f.max_trials);
  Override(spec.checkpoint_memory_mb, f.checkpoint_memory_mb);
  Override(spec.workers, f.workers);
  Override(spec.threads, f.threads);
  Override(spec.seed, f.seed);
  Override(spec.executor, f.executor);
  Override(spec.function, f.function);
  Override(spec.qualifier, f.qualifier);
  Override(spec.region, f.region);
  Override(spec.endpoint_url, f.endpoint_url);
  Override(spec.concurrency, f.concurrency);
  Override(spec.function_timeout, f.function_timeout);
  Override(spec.memory_mb, f.memory_mb);
  Override(spec.price_per_gb_second, f.price_per_gb_second);
  Override(spec.budget_dollars, f.budget_dollars);
  Override(spec.read.label_prefix, f.label);
  Override(spec.read.csv_label_column, f.label_column);
  if (!f.text_columns.empty()) spec.read.csv_text_columns = f.text_columns;
  if (f.no_header) spec.read.csv_has_header = false;
  if (f.refit) spec.refit = true;
  if (f.format) {
    nlohmann::json format = {{"format", *f.format}};
    auto parsed = tune::SpecFromJson(format, "--format");
    if (!parsed.ok()) return parsed.error();
    spec.read.format = parsed->read.format;
  }
  // A command reports `value` unless told otherwise (doc/command-trainable.md).
  if (!spec.command.empty() && !f.metric && spec.metric == "accuracy") spec.metric = "value";
  if (f.min_epochs) spec.scheduler_options["min_epochs"] = *f.min_epochs;
  if (f.max_epochs) spec.scheduler_options["max_epochs"] = *f.max_epochs;
  if (f.eta) spec.scheduler_options["eta"] = *f.eta;
  return spec;
}

void PrintSummary(const tune::TuneSummary& s, const tune::TuneSpec& spec, bool json) {
  if (json) {
    nlohmann::json j = {{"event", "finished"}, {"out", s.out}, {"trials", s.trials},
                        {"jobs", s.jobs}, {"epochs", s.epochs}, {"seconds", s.seconds},
                        {"stopped_because", s.stopped_because}, {"refit", s.refit}};
    if (s.best) {
      j["best"] = {{"trial", s.best->trial}, {"epochs", s.best->epochs}, {"valid", s.best->metric}};
    }
    if (s.test_metric) j["test"] = *s.test_metric;
    if (s.preprocessing) j["preprocessing"] = text::PreprocessingName(*s.preprocessing);
    if (s.lambda) j["cost"] = {{"gb_seconds", s.gb_seconds}, {"dollars", s.dollars}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("rungs tune: %llu trials, %llu jobs, %lld epochs in %.0f s (%s)\n",
              static_cast<unsigned long long>(s.trials), static_cast<unsigned long long>(s.jobs),
              static_cast<long long>(s.epochs), s.seconds, s.stopped_because.c_str());
  if (s.lambda) std::printf("Lambda cost $%.4f (%.1f GB-s)\n", s.dollars, s.gb_seconds);
  if (!s.best) {
    std::printf("no trial finished: see %s/trials.csv\n", s.out.c_str());
    return;
  }
  std::printf("best validation %s %.4f (trial %u, %d epochs)\n", spec.metric.c_str(), s.best->metric,
              s.best->trial, s.best->epochs);
  if (s.test_metric) {
    std::printf("test %s %.4f%s\n", spec.metric.c_str(), *s.test_metric,
                s.refit ? " (refit on train + validation)" : "");
  }
  if (s.preprocessing) {
    std::printf("preprocessing: %s\n", text::DescribePreprocessing(*s.preprocessing).c_str());
  }
  std::printf("model:  %s/best.bin\nconfig: %s/best.toml\nreport: %s/report.html\n", s.out.c_str(),
              s.out.c_str(), s.out.c_str());
}

}  // namespace

Command AddTuneCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("tune", "tune the built-in classifier on local workers or AWS Lambda");
  auto f = std::make_shared<TuneFlags>();
  // A flag given twice takes its last value, so scripts can append overrides.
  sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  sub->add_option("experiment", f->experiment_file, "experiment TOML file (flags override it)");
  sub->add_option("--train", f->train, "training data: path or URL (fastText lines, CSV, JSON lines)");
  sub->add_option("--valid", f->valid, "validation data (default: split off --train)");
  sub->add_option("--valid-fraction", f->valid_fraction, "share of --train held out for validation (0.1)");
  sub->add_option("--test", f->test, "test data, used once at the end");
  sub->add_option("--dataset", f->dataset, "a named data set instead of --train: 20newsgroups");
  sub->add_option("--data-dir", f->data_dir, "where named data sets are looked for first (NAME/train.csv)");
  sub->add_option("--metric", f->metric, "accuracy (default), f1 or loss; with --command, its metric key (value)");
  sub->add_option("--command", f->command, "tune this training program instead (doc/command-trainable.md)");
  sub->add_flag("--minimize", f->minimize, "with --command: lower metric is better");
  sub->add_option("--budget-epochs", f->budget_epochs, "total epochs to train");
  sub->add_option("--budget-seconds", f->budget_seconds, "no job starts after this many seconds");
  sub->add_option("--max-trials", f->max_trials, "configurations to try at most");
  sub->add_option("--workers", f->workers, "local: trials at once (default: one per core)");
  sub->add_option("--threads", f->threads, "training threads per trial (1)");
  sub->add_option("--seed", f->seed, "seed of the split, the search and the training (0)");
  sub->add_option("--scheduler", f->scheduler, "asha-evo (default), asha, random, sha, hyperband");
  sub->add_option("--min-epochs", f->min_epochs, "epochs of the bottom rung (3 for the built-in classifier, else 1)");
  sub->add_option("--max-epochs", f->max_epochs, "epochs of the top rung (27)");
  sub->add_option("--eta", f->eta, "reduction factor between rungs (3)");
  sub->add_option("--promotion", f->promotion,
                  "resume (from checkpoints, the local default) or restart (always on Lambda)");
  sub->add_option("--space", f->space, "search space TOML (default: the built-in classifier space)");
  sub->add_option("--out", f->out, "output folder");
  sub->add_option("--resume", f->resume, "continue the experiment in this output folder");
  sub->add_flag("--refit", f->refit, "refit the best configuration on train + validation");
  sub->add_option("--checkpoint-memory-mb", f->checkpoint_memory_mb,
                  "memory for paused trials' checkpoints (4096)");
  sub->add_option("--format", f->format, "auto (default), fasttext, csv or jsonl");
  sub->add_option("--label", f->label, "label prefix of fastText lines (__label__)");
  sub->add_option("--label-column", f->label_column, "CSV label column, by name or index (label)");
  sub->add_option("--text-column", f->text_columns, "CSV text column(s), by name or index (text)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_flag("--no-header", f->no_header, "the CSV has no header row");
  sub->add_option("--executor", f->executor, "where jobs run: local (default) or lambda");
  sub->add_option("--function", f->function, "lambda: the function running `rungs worker`");
  sub->add_option("--qualifier", f->qualifier, "lambda: the function's alias or version");
  sub->add_option("--region", f->region, "lambda: AWS region (default: AWS_REGION, the profile's)");
  sub->add_option("--endpoint-url", f->endpoint_url,
                  "lambda: Invoke endpoint (default: AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, AWS's)");
  sub->add_option("--concurrency", f->concurrency, "lambda: invocations at once (100)");
  sub->add_option("--function-timeout", f->function_timeout, "lambda: the function's timeout in seconds (900)");
  sub->add_option("--memory-mb", f->memory_mb, "lambda: billed memory when the function's log does not say");
  sub->add_option("--price-per-gb-second", f->price_per_gb_second,
                  "lambda: dollars per GB-second (0.0000166667, x86)");
  sub->add_option("--budget-dollars", f->budget_dollars, "lambda: no job starts once this much is spent");
  sub->add_flag("--quiet", f->quiet, "no progress output");
  sub->add_flag("--json", f->json, "progress and summary as JSON lines");
  return {sub, [f]() -> Status {
            Result<tune::TuneSpec> spec = SpecFrom(*f);
            if (!spec.ok()) return spec.status();
            std::signal(SIGINT, OnInterrupt);
            std::signal(SIGUSR1, OnEvolve);
            tune::RunControl control;
            control.resume = !f->resume.empty();
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
