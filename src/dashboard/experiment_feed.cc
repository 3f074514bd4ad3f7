#include "dashboard/experiment_feed.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "exec/lambda_cost.h"
#include "tune/experiment_dir.h"
#include "tune/experiment_report.h"

namespace rungs::dashboard {
namespace {

// Events the overview lists, the latest.
constexpr size_t kShownEvents = 50;

// JSON has no NaN: an inactive parameter or a failed metric is null.
nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

bool Succeeded(const job::JobResult& r) { return r.outcome == job::Outcome::kOk && std::isfinite(r.metric); }

}  // namespace

ExperimentFeed::ExperimentFeed(std::string path, int index) : index_(index) {
  std::filesystem::path p(path);
  bare_journal_ = std::filesystem::is_regular_file(p);
  if (bare_journal_) {
    journal_path_ = p.string();
    dir_ = p.has_parent_path() ? p.parent_path().string() : ".";
  } else {
    dir_ = p.string();
    journal_path_ = tune::JournalPath(dir_);
  }
  overview_ = MakeOverview();
}

std::optional<nlohmann::json> ExperimentFeed::Poll(bool with_rows) {
  const uint64_t seq_before = last_seq_;
  const bool open_before = reader_.has_value();
  const std::string error_before = error_;
  nlohmann::json rows = nlohmann::json::array();
  Status read = ReadNew(with_rows ? &rows : nullptr, !error_before.empty());
  error_ = read.ok() ? "" : read.message();
  if (last_seq_ == seq_before && reader_.has_value() == open_before && error_ == error_before) {
    return std::nullopt;
  }
  overview_ = MakeOverview();
  return rows;
}

Status ExperimentFeed::ReadNew(nlohmann::json* rows, bool retry) {
  if (!reader_) {
    if (!std::filesystem::exists(journal_path_)) return Status::Ok();  // a run is starting
    RUNGS_RETURN_IF_ERROR(Open());
  }
  Result<bool> changed = reader_->Changed();
  if (!changed.ok()) return changed.error();
  if (!*changed && !retry) return Status::Ok();
  return reader_->ReadAfter(last_seq_, [&](const store::JournalEntry& e) { return Take(e, rows); });
}

Status ExperimentFeed::Open() {
  tune::TuneSpec spec;
  if (bare_journal_) {
    spec.out = dir_;
    spec.metric = "metric";
    spec.command = "(simulation)";  // no built-in classifier: no preprocessing to show
  } else {
    Result<tune::TuneSpec> saved = tune::ReadSavedSpec(dir_);
    if (!saved.ok()) return saved.error();
    spec = std::move(*saved);
  }
  Result<store::JournalReader> reader = store::JournalReader::Open(journal_path_);
  if (!reader.ok()) return reader.error();
  Result<space::Space> space = space::Space::FromToml(reader->experiment().space_toml, journal_path_);
  if (!space.ok()) return space.error();
  for (size_t p = 0; p < space->size(); ++p) {
    const space::Param& param = space->param(p);
    if (param.kind == space::Kind::kFixed) continue;
    shown_.push_back(p);
    std::vector<nlohmann::json>& names = choice_names_.emplace_back();
    if (param.kind != space::Kind::kCategorical) continue;
    space::Config probe(space->size(), std::nan(""));
    for (size_t c = 0; c < param.choices.size(); ++c) {
      probe[p] = double(c);
      nlohmann::json named = space->ToJson(probe);
      names.push_back(named.contains(param.name) ? named[param.name] : nlohmann::json());
    }
  }
  table_ = TrialTable(shown_.size());
  spec_ = std::move(spec);
  space_ = std::move(*space);
  reader_ = std::move(*reader);
  return Status::Ok();
}

// Counts the entry in and, with `rows`, adds its row.
Status ExperimentFeed::Take(const store::JournalEntry& e, nlohmann::json* rows) {
  const tune::JobRow* resulted =
      e.kind == store::JournalEntry::Kind::kResult ? view_.Find(e.result.job) : nullptr;
  const bool first_result = resulted != nullptr && !resulted->result;
  RUNGS_RETURN_IF_ERROR(view_.Add(e, journal_path_));
  last_seq_ = e.seq;
  last_t_ = std::max(last_t_, e.now);
  switch (e.kind) {
    case store::JournalEntry::Kind::kJob: {
      const job::Job& job = e.job;
      if (size_t(job.rung) >= rungs_.size()) rungs_.resize(size_t(job.rung) + 1);
      RungCount& rung = rungs_[size_t(job.rung)];
      if (rung.done + rung.running == 0) rung.epochs = job.epochs_to;
      ++rung.running;
      ++running_;
      bool new_trial = job.rung == 0 && job.epochs_from == 0;
      table_.AddJob(job.trial, job.rung, new_trial ? ShownValues(job.config) : std::vector<double>());
      break;
    }
    case store::JournalEntry::Kind::kResult: {
      const job::JobResult& r = e.result;
      ++results_;
      epochs_ += r.epochs_trained;
      gb_seconds_ += exec::GbSeconds(r.cost);
      if (!first_result) break;
      const job::Job& job = view_.Find(r.job)->job;
      RungCount& rung = rungs_[size_t(job.rung)];
      --rung.running;
      ++rung.done;
      --running_;
      table_.AddResult(job.trial, job.epochs_to, Succeeded(r), r.metric);
      break;
    }
    case store::JournalEntry::Kind::kEvent:
      events_.push_back({e.now, std::string(store::EventName(e.event)), e.detail});
      if (events_.size() > kShownEvents) events_.pop_front();
      if (e.event == store::EventKind::kFinished) finished_ = true;
      if (e.event == store::EventKind::kResumed) finished_ = false;
      break;
    case store::JournalEntry::Kind::kRefusal: return Status::Ok();  // nothing to show
  }
  if (rows != nullptr) rows->push_back(Row(e));
  return Status::Ok();
}

std::vector<double> ExperimentFeed::ShownValues(const space::Config& config) const {
  std::vector<double> values;
  for (size_t p : shown_) values.push_back(p < config.size() ? config[p] : std::nan(""));
  return values;
}

nlohmann::json ExperimentFeed::NamedConfig(std::span<const double> values) const {
  nlohmann::json config = nlohmann::json::object();
  for (size_t i = 0; i < shown_.size() && i < values.size(); ++i) {
    const std::string& name = space_->param(shown_[i]).name;
    const std::vector<nlohmann::json>& choices = choice_names_[i];
    if (choices.empty()) {
      config[name] = Number(values[i]);
    } else {
      bool known = values[i] >= 0 && values[i] < double(choices.size());  // false for NaN
      config[name] = known ? choices[size_t(values[i])] : nlohmann::json();
    }
  }
  return config;
}

nlohmann::json ExperimentFeed::Row(const store::JournalEntry& e) const {
  nlohmann::json row = {{"x", index_}, {"s", e.seq}, {"t", e.now}};
  switch (e.kind) {
    case store::JournalEntry::Kind::kJob: {
      const job::Job& job = e.job;
      row.update({{"k", "job"},  {"job", job.id}, {"trial", job.trial},
                  {"rung", job.rung}, {"ep", job.epochs_to}});
      if (job.rung == 0 && job.epochs_from == 0) {  // a new trial: its configuration, once
        row["c"] = NamedConfig(ShownValues(job.config));
      }
      break;
    }
    case store::JournalEntry::Kind::kResult: {
      const job::JobResult& r = e.result;
      bool ok = Succeeded(r);
      row.update({{"k", "result"}, {"job", r.job}, {"trial", r.trial}, {"rung", r.rung},
                  {"ok", ok}, {"m", ok ? Number(r.metric) : nullptr},
                  {"trained", r.epochs_trained}, {"sec", r.seconds},
                  {"gb", exec::GbSeconds(r.cost)}});
      if (!ok && !r.error.empty()) row["error"] = r.error;
      break;
    }
    case store::JournalEntry::Kind::kEvent:
      row.update({{"k", "event"}, {"event", store::EventName(e.event)}, {"detail", e.detail}});
      break;
    case store::JournalEntry::Kind::kRefusal: break;
  }
  return row;
}

nlohmann::json ExperimentFeed::MakeOverview() const {
  nlohmann::json rungs = nlohmann::json::array();
  for (const RungCount& r : rungs_) {
    rungs.push_back({{"ep", r.epochs}, {"done", r.done}, {"running", finished_ ? 0 : r.running}});
  }
  nlohmann::json events = nlohmann::json::array();
  for (const Event& ev : events_) events.push_back({{"t", ev.t}, {"event", ev.name}, {"detail", ev.detail}});
  nlohmann::json best;
  if (spec_) {
    if (std::optional<tune::BestTrial> b = view_.Best(tune::Maximize(*spec_))) {
      best = {{"trial", b->trial}, {"ep", b->epochs}, {"rung", b->rung}, {"m", Number(b->metric)},
              {"c", NamedConfig(ShownValues(b->config))}};
    }
  }
  return {{"seq", last_seq_},
          {"ready", reader_.has_value()},
          {"error", error_},
          {"trials", table_.size()},
          {"jobs", view_.jobs.size()},
          {"running", finished_ ? 0 : running_},
          {"results", results_},
          {"epochs", epochs_},
          {"t", last_t_},
          {"gb", gb_seconds_},
          {"finished", finished_},
          {"rungs", std::move(rungs)},
          {"best", std::move(best)},
          {"events", std::move(events)}};
}

std::optional<size_t> ExperimentFeed::ParamIndex(const std::string& name) const {
  for (size_t i = 0; i < shown_.size(); ++i) {
    if (space_->param(shown_[i]).name == name) return i;
  }
  return std::nullopt;
}

nlohmann::json ExperimentFeed::Trials(const TrialQuery& query) const {
  TrialPage page = table_.Query(query, finished_);
  nlohmann::json rows = nlohmann::json::array();
  for (const TrialRow* row : page.rows) {
    rows.push_back({{"trial", row->trial},
                    {"state", TrialStateName(TrialTable::StateOf(*row, finished_))},
                    {"rung", row->rung},
                    {"ep", row->epochs},
                    {"m", Number(row->metric)},
                    {"c", NamedConfig(table_.Values(*row))}});
  }
  return {{"trials", table_.size()}, {"matched", page.matched}, {"page", page.page},
          {"size", query.size},      {"rows", std::move(rows)}};
}

nlohmann::json ExperimentFeed::Describe() const {
  nlohmann::json d = {{"x", index_},
                      {"name", std::filesystem::path(bare_journal_ ? journal_path_ : dir_)
                                   .filename()
                                   .string()},
                      {"path", bare_journal_ ? journal_path_ : dir_},
                      {"ready", reader_.has_value()}};
  if (!error_.empty()) d["error"] = error_;
  if (!reader_) return d;
  const store::ExperimentRecord& e = reader_->experiment();
  nlohmann::json options = nlohmann::json::parse(e.options_json, nullptr, false);
  d["id"] = e.id;
  d["created"] = e.created;
  d["scheduler"] = e.scheduler;
  d["options"] = options.is_discarded() ? nlohmann::json(e.options_json) : options;
  d["seed"] = std::to_string(e.seed);
  d["metric"] = spec_->metric;
  d["maximize"] = tune::Maximize(*spec_);
  // As it stands: an extend or a budget flag on --resume changes it.
  const driver::RunBudget b = view_.BudgetNow(tune::BudgetOf(*spec_));
  d["budget"] = {{"epochs", b.epochs}, {"seconds", b.seconds}, {"trials", b.trials},
                 {"dollars", b.dollars}, {"jobs", b.jobs}};
  d["price_per_gb_second"] = spec_->price_per_gb_second;
  nlohmann::json params = nlohmann::json::array();
  for (size_t i = 0; i < shown_.size(); ++i) {
    const space::Param& param = space_->param(shown_[i]);
    params.push_back({{"name", param.name},
                      {"categorical", Categorical(i)},
                      {"log", param.scale == space::Scale::kLog}});
  }
  d["params"] = std::move(params);
  nlohmann::json files = nlohmann::json::array();
  for (const char* name : kServedFiles) {
    if (!bare_journal_ && std::filesystem::is_regular_file(std::filesystem::path(dir_) / name)) files.push_back(name);
  }
  d["files"] = std::move(files);
  return d;
}

Result<report::ReportData> ExperimentFeed::Report() const {
  if (!reader_) {
    report::ReportData empty;
    empty.title = dir_ + " (no journal yet)";
    return empty;
  }
  return tune::ReportDataOf(*spec_, *space_, view_);
}

report::ReportData ExperimentFeed::CurveData(uint32_t trial) const {
  report::ReportData data;
  if (spec_) data.metric_name = spec_->metric;
  for (const tune::JobRow& row : view_.jobs) {
    if (row.job.trial != trial || !row.result) continue;
    data.results.push_back({trial, row.job.rung, row.job.epochs_to, row.result->metric,
                            row.result->outcome == job::Outcome::kOk, row.finished_at,
                            row.result->epochs_trained});
  }
  return data;
}

}  // namespace rungs::dashboard
